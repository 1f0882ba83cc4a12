package io.governor.api.repository;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The key grammar shared by every repository, and small helpers to build and take apart keys.
 *
 * <p>A key is an absolute path: {@code /} followed by one or more segments separated by {@code /}.
 * A segment is 1 to {@value #MAX_SEGMENT_LENGTH} characters from {@code A-Z a-z 0-9 _ - . @ : +},
 * and is neither {@code .} nor {@code ..}. The root {@code /} is a valid key for {@code children}
 * and {@code watch} only. Every repository stores every legal key and gives it back unchanged;
 * backends whose own key rules are narrower encode keys so that they round-trip.
 *
 * <p>Stateless and thread-safe.
 */
public final class Paths {

    /** The longest legal segment. */
    public static final int MAX_SEGMENT_LENGTH = 128;

    /** The most segments a key may have. */
    public static final int MAX_DEPTH = 16;

    /** The characters allowed in a segment, as a regular-expression class body. */
    public static final String SEGMENT_CHARACTERS = "A-Za-z0-9_.@:+-";

    private static final Pattern SEGMENT = Pattern.compile("[" + SEGMENT_CHARACTERS + "]{1," + MAX_SEGMENT_LENGTH + "}");

    private Paths() {
    }

    /** Whether {@code segment} is a legal path segment. */
    public static boolean isSegment(String segment) {
        return segment != null && SEGMENT.matcher(segment).matches() && !".".equals(segment) && !"..".equals(segment);
    }

    /**
     * Checks a segment (a data source name, a database name, an instance id) and returns it.
     *
     * @throws GovernanceException {@code INVALID_ARGUMENT} naming {@code what} and the rule broken
     */
    public static String requireSegment(String segment, String what) {
        if (!isSegment(segment)) {
            throw new GovernanceException(ErrorCode.INVALID_ARGUMENT, what + " '" + segment
                    + "' is not a legal name: use 1 to " + MAX_SEGMENT_LENGTH + " characters from "
                    + SEGMENT_CHARACTERS + ", not '.' or '..'");
        }
        return segment;
    }

    /**
     * Checks a key and returns it. The root {@code /} is accepted only when {@code allowRoot}.
     *
     * @throws GovernanceException {@code INVALID_ARGUMENT} naming the key and the rule broken
     */
    public static String requireKey(String key, boolean allowRoot) {
        if (key == null || !key.startsWith("/")) {
            throw invalidKey(key, "must start with '/'");
        }
        if ("/".equals(key)) {
            if (allowRoot) {
                return key;
            }
            throw invalidKey(key, "the root is not a key that holds a value");
        }
        if (key.endsWith("/")) {
            throw invalidKey(key, "must not end with '/'");
        }
        String[] parts = key.substring(1).split("/", -1);
        if (parts.length > MAX_DEPTH) {
            throw invalidKey(key, "has more than " + MAX_DEPTH + " segments");
        }
        for (String part : parts) {
            if (!isSegment(part)) {
                throw invalidKey(key, "segment '" + part + "' is empty, '.' or '..', longer than "
                        + MAX_SEGMENT_LENGTH + " or has a character outside " + SEGMENT_CHARACTERS);
            }
        }
        return key;
    }

    /** Checks a key that must hold a value (not the root). */
    public static String requireKey(String key) {
        return requireKey(key, false);
    }

    /**
     * Checks the arguments of {@link Repository#readAll}: neither collection null, every key legal
     * and not the root, every parent legal (the root allowed).
     *
     * @throws GovernanceException {@code INVALID_ARGUMENT} naming the null collection, or the key and
     *         the rule broken
     */
    public static void requireReadAll(Collection<String> keys, Collection<String> parents) {
        if (keys == null || parents == null) {
            throw new GovernanceException(ErrorCode.INVALID_ARGUMENT, (keys == null ? "keys" : "parents")
                    + " must not be null (pass an empty collection)");
        }
        for (String key : keys) {
            requireKey(key, false);
        }
        for (String parent : parents) {
            requireKey(parent, true);
        }
    }

    /**
     * Names the nodes of a {@link Repository#readAll} in a message: the first key (or parent, as
     * {@code parent/*}) and how many more, e.g. {@code /config/props (+2 more)}. Null-tolerant.
     */
    public static String describe(Collection<String> keys, Collection<String> parents) {
        List<String> all = new ArrayList<>();
        if (keys != null) {
            all.addAll(keys);
        }
        if (parents != null) {
            parents.forEach(p -> all.add("/".equals(p) ? "/*" : p + "/*"));
        }
        if (all.isEmpty()) {
            return "/";
        }
        return all.size() == 1 ? String.valueOf(all.get(0)) : all.get(0) + " (+" + (all.size() - 1) + " more)";
    }

    /** Joins a parent key and segments: {@code join("/a", "b", "c")} is {@code /a/b/c}. */
    public static String join(String parent, String... segments) {
        StringBuilder sb = new StringBuilder("/".equals(parent) ? "" : parent);
        for (String s : segments) {
            sb.append('/').append(s);
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }

    /** The parent of a key: {@code parent("/a/b")} is {@code /a}; the parent of {@code /a} is {@code /}. */
    public static String parent(String key) {
        int i = key.lastIndexOf('/');
        return i <= 0 ? "/" : key.substring(0, i);
    }

    /** The last segment of a key. */
    public static String name(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /** The segments of a key, empty for the root. */
    public static List<String> segments(String key) {
        List<String> out = new ArrayList<>();
        for (String s : key.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Whether {@code key} is {@code prefix} itself or one of its descendants (not a sibling like {@code /ab} of {@code /a}). */
    public static boolean isAtOrBelow(String key, String prefix) {
        if ("/".equals(prefix)) {
            return true;
        }
        return key.equals(prefix) || (key.startsWith(prefix) && key.charAt(prefix.length()) == '/');
    }

    private static GovernanceException invalidKey(String key, String why) {
        return new GovernanceException(ErrorCode.INVALID_ARGUMENT, "invalid key '" + key + "': " + why);
    }
}
