package io.governor.api;

import java.util.Collection;
import java.util.Locale;

/**
 * The "did you mean" of error messages: the known name closest to a mistyped one, when it is close
 * enough to be a typo (an edit distance of at most a third of the name's length, and at most 3,
 * ignoring case). For messages of {@code INVALID_CONFIG}, {@code REPOSITORY_NOT_FOUND} and the like,
 * so that every surface suggests the same way.
 *
 * <p>Stateless and thread-safe.
 */
public final class DidYouMean {

    private DidYouMean() {
    }

    /**
     * The suggestion for {@code typed} among {@code known}, as {@code "; did you mean 'name'?"}, or
     * the empty string when nothing is close.
     */
    public static String suggest(String typed, Collection<String> known) {
        String best = closest(typed, known);
        return best == null ? "" : "; did you mean '" + best + "'?";
    }

    /** The known name closest to {@code typed} within the typo distance, or null. */
    public static String closest(String typed, Collection<String> known) {
        if (typed == null || typed.isEmpty() || known == null) {
            return null;
        }
        String t = typed.toLowerCase(Locale.ROOT);
        int limit = Math.min(3, Math.max(1, t.length() / 3));
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            if (k == null || k.equals(typed)) {
                continue;
            }
            int d = distance(t, k.toLowerCase(Locale.ROOT));
            if (d <= limit && d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance, where swapping two neighbouring letters also counts one. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
