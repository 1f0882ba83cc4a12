package io.governor.core;

import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The revision of a configuration: a digest of its canonical content (data sources, rules and
 * props), so it is the same on every backend and every instance. Stateless.
 */
final class Revisions {

    /** Length of a revision in hex characters (64 bits of SHA-256). */
    static final int LENGTH = 16;

    private Revisions() {
    }

    /** The revision of a database's configuration together with the props. */
    static String of(YamlCodec codec, DatabaseConfig database, GovernanceProps props) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            codec.digestCanonical(md, database, props);
            byte[] d = md.digest();
            return HexFormat.of().formatHex(d).substring(0, LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
