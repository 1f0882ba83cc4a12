package io.governor.test.etcd;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the {@code etcd} binary and cleans up data directories. */
final class EtcdBinary {

    /** Set this system property to use an etcd binary outside the PATH. */
    static final String PROPERTY = "governor.etcd.binary";

    private EtcdBinary() {
    }

    static String find() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            if (Files.isExecutable(Path.of(configured))) {
                return configured;
            }
            throw missing("-D" + PROPERTY + "=" + configured + " is not an executable file");
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, "etcd");
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        Path debian = Path.of("/usr/bin/etcd");
        if (Files.isExecutable(debian)) {
            return debian.toString();
        }
        throw missing("no etcd binary on the PATH");
    }

    private static IllegalStateException missing(String why) {
        return new IllegalStateException(why + ": these tests run a real etcd server. Install the Debian package "
                + "etcd-server (sudo apt-get install etcd-server) or run scripts/test.sh, which installs it when missing.");
    }

}
