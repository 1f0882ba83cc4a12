package io.governor.test;

import io.governor.api.repository.Paths;

import java.util.ArrayList;
import java.util.List;

/** Keys that exercise the whole {@link Paths} grammar: every legal character, the longest segment, the deepest key. */
final class ContractKeys {

    private ContractKeys() {
    }

    /** Every character {@link Paths#SEGMENT_CHARACTERS} allows, expanded from its ranges. */
    static String legalCharacters() {
        String spec = Paths.SEGMENT_CHARACTERS;
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < spec.length()) {
            if (i + 2 < spec.length() && spec.charAt(i + 1) == '-') {
                for (char c = spec.charAt(i); c <= spec.charAt(i + 2); c++) {
                    out.append(c);
                }
                i += 3;
            } else {
                out.append(spec.charAt(i));
                i++;
            }
        }
        return out.toString();
    }

    /** Legal keys below {@code parent} (a one-segment key) that stress a backend's key encoding. */
    static List<String> legalKeysUnder(String parent) {
        String all = legalCharacters();
        List<String> segments = new ArrayList<>(List.of(all, "x".repeat(Paths.MAX_SEGMENT_LENGTH), "...", ".hidden",
                "trailing.", "-", "--", "+", "@", ":", "_", "a:b@c+d-e_f.g", "UPPER", "lower", "007"));
        for (char c : all.toCharArray()) {
            segments.add("c" + c + "c");
        }
        List<String> keys = new ArrayList<>();
        for (String s : segments) {
            String key = Paths.join(parent, s);
            keys.add(Paths.requireKey(key));
        }
        StringBuilder deep = new StringBuilder(parent);
        StringBuilder deepLong = new StringBuilder(parent);
        for (int depth = 2; depth <= Paths.MAX_DEPTH; depth++) {
            deep.append("/d").append(depth);
            String longSegment = (depth + all).repeat(3);
            deepLong.append('/').append(longSegment, 0, Paths.MAX_SEGMENT_LENGTH);
        }
        keys.add(Paths.requireKey(deep.toString()));
        keys.add(Paths.requireKey(deepLong.toString()));
        return keys;
    }
}
