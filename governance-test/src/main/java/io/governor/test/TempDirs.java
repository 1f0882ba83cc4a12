package io.governor.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The temporary directories test servers keep their data in. Stateless; thread-safe; blocks on the
 * file system.
 */
public final class TempDirs {

    private TempDirs() {
    }

    /**
     * Deletes {@code dir} and everything in it, as far as it can: a file that cannot be deleted is
     * left (harmless in the temp directory), a directory already gone is fine. Never throws.
     */
    public static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a leftover file in the temp directory is harmless
                }
            });
        } catch (IOException ignored) {
            // already gone
        }
    }
}
