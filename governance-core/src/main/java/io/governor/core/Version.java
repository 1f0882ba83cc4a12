package io.governor.core;

/** The library version, from the jar manifest or the build's default. */
final class Version {

    static final String DEFAULT = "0.1.0-SNAPSHOT";

    private Version() {
    }

    static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? DEFAULT : v;
    }
}
