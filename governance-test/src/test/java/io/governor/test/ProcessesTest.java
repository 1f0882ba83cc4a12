package io.governor.test;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessesTest {

    @TempDir
    Path dir;

    @Test
    void theTailLeavesOutStackFramesAndKeepsTheFirstErrorsBeforeIt() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("INFO starting");
        lines.add("ERROR Web server failed to start. Port 12345 was already in use.");
        for (int i = 0; i < 30; i++) {
            lines.add("ERROR health check failed " + i);
            lines.add("java.net.ConnectException: Connection refused");
            lines.add("\tat some.Frame.call(Frame.java:1)");
            lines.add("\t... 12 more");
        }
        lines.add("INFO last line");
        Path log = Files.write(dir.resolve("server.log"), lines);

        String tail = Processes.tail(log, 5);

        assertFalse(tail.contains("\tat "), tail);
        assertFalse(tail.contains("... 12 more"), tail);
        assertTrue(tail.startsWith("first errors:\nERROR Web server failed to start. Port 12345 was already in use.\n"), tail);
        assertTrue(tail.endsWith("\nlast lines:\nERROR health check failed 28\njava.net.ConnectException: Connection refused\n"
                + "ERROR health check failed 29\njava.net.ConnectException: Connection refused\nINFO last line"), tail);
    }

    @Test
    void aShortLogIsQuotedWhole() throws Exception {
        Path log = Files.write(dir.resolve("short.log"), List.of("INFO a", "ERROR b"));
        assertEquals("INFO a\nERROR b", Processes.tail(log, 5));
    }

    @Test
    void aMissingLogSaysWhy() {
        assertTrue(Processes.tail(dir.resolve("absent.log"), 5).startsWith("(no log: "));
    }
}
