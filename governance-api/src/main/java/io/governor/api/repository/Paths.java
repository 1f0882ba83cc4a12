package io.governor.api.repository;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

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

    private Paths() {
    }

    /** Whether {@code segment} is a legal path segment. */
    public static boolean isSegment(String segment) {
        return segment != null && isSegment(segment, 0, segment.length());
    }

    /**
     * Whether {@code s.substring(from, to)} is a legal segment, without making the substring or
     * running a regular expression: every repository operation checks its key this way.
     */
    private static boolean isSegment(String s, int from, int to) {
        int length = to - from;
        if (length < 1 || length > MAX_SEGMENT_LENGTH) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
                    || c == '@' || c == ':' || c == '+' || c == '-')) {
                return false;
            }
        }
        boolean dot = s.charAt(from) == '.';
        return !(dot && (length == 1 || length == 2 && s.charAt(from + 1) == '.'));
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
        int segments = 0;
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) == '/' && ++segments > MAX_DEPTH) {
                throw invalidKey(key, "has more than " + MAX_DEPTH + " segments");
            }
        }
        for (int from = 1; from <= key.length(); ) {
            int to = key.indexOf('/', from);
            if (to < 0) {
                to = key.length();
            }
            if (!isSegment(key, from, to)) {
                throw invalidKey(key, "segment '" + key.substring(from, to) + "' is empty, '.' or '..', longer than "
                        + MAX_SEGMENT_LENGTH + " or has a character outside " + SEGMENT_CHARACTERS);
            }
            from = to + 1;
        }
        return key;
    }

    /** Whether {@code key} is a legal key that can hold a value (not the root): {@link #requireKey(String)} without the exception. */
    public static boolean isKey(String key) {
        try {
            requireKey(key);
            return true;
        } catch (GovernanceException e) {
            return false;
        }
    }

    /** Checks a key that must hold a value (not the root). */
    public static String requireKey(String key) {
        return requireKey(key, false);
    }

    /**
     * Checks the arguments of {@link BulkReads#readAll}: neither collection null, every key legal
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
     * Names the nodes of a {@link BulkReads#readAll} in a message: the first key (or parent, as
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
