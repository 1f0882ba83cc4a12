package io.governor.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 20 §5: the demo says which data source is which H2 database, logs like an application, prints plain text. */
class DemoOutputTest {

    @Test
    void dataSourceLinesNameWhichH2DatabaseEachDataSourceIs() {
        List<String> lines = Demo.dataSourceLines(Demo.initialOrders());
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("\\s*primary\\s+= H2 database demo_primary\\s+jdbc:h2:mem:demo_primary"), lines.get(0));
        assertTrue(lines.get(1).matches("\\s*replica_0\\s+= H2 database demo_replica_a\\s+jdbc:h2:mem:demo_replica_a"), lines.get(1));
        assertTrue(lines.get(2).matches("\\s*replica_1\\s+= H2 database demo_replica_b\\s+jdbc:h2:mem:demo_replica_b"), lines.get(2));
    }

    @Test
    void everyConnectionReportNamesTheDataSourceAndItsH2Database() {
        assertEquals("replica_0 (H2 demo_replica_a)", Demo.label("demo_replica_a"));
        assertEquals("primary (H2 demo_primary)", Demo.label("demo_primary"));
    }

    @Test
    void demoLogsGovernorAtInfoAndTheZooKeeperClientAtWarn() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Demo.class.getResourceAsStream("/simplelogger.properties")) {
            p.load(in);
        }
        assertEquals("info", p.getProperty("org.slf4j.simpleLogger.log.io.governor"));
        assertEquals("warn", p.getProperty("org.slf4j.simpleLogger.log.org.apache.zookeeper"));
        assertEquals("warn", p.getProperty("org.slf4j.simpleLogger.log.org.apache.curator"));
    }

    @Test
    void demoScriptPrintsNoAnsiEscapesWhenItsOutputIsNotATerminal() throws Exception {
        // `-v` makes the demo's Maven print its version and stop: Maven's own output, escapes and
        // all, goes through the script's filter without running the demo.
        Path root = Path.of("").toAbsolutePath().getParent();
        Process p = new ProcessBuilder("bash", "scripts/demo.sh", "-v").directory(root.toFile())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "demo.sh -v ended");
        assertEquals(0, p.exitValue(), out);
        assertFalse(out.isBlank(), "Maven printed its version");
        assertFalse(out.contains("\u001b"), "no ANSI escape code in: " + out.replace("\u001b", "<ESC>"));
    }
}
