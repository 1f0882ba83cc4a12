package io.governor.api.config;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import java.util.Locale;

/**
 * Which configuration wins when an instance starts: the one in the config center or the one the
 * application ships.
 */
public enum BootstrapMode {
    /**
     * The config center wins. The local configuration only seeds a database that has no
     * configuration in the center yet (created if absent, so concurrent starters do not clobber
     * each other). The default.
     */
    CENTER,
    /** The local configuration overwrites the center's for every database it names, at every start. */
    LOCAL;

    /** Parses {@code center} or {@code local}, case-insensitively. */
    public static BootstrapMode parse(String text) {
        if (text != null) {
            switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "center":
                    return CENTER;
                case "local":
                    return LOCAL;
                default:
                    break;
            }
        }
        throw new GovernanceException(ErrorCode.INVALID_CONFIG,
                "bootstrap must be 'center' or 'local', got '" + text + "'");
    }
}
