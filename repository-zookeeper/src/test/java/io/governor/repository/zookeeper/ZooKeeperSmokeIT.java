package io.governor.repository.zookeeper;

import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Operation;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.RepositoryConfig;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

class ZooKeeperSmokeIT {
    static TestingServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestingServer(true);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    RegistryRepository repo(String ns) {
        return new ZooKeeperRepositoryProvider().create(RepositoryConfig.builder("zookeeper")
                .serverLists(server.getConnectString()).namespace(ns).build());
    }

    @Test
    void smoke() throws Exception {
        try (RegistryRepository r = repo("smoke")) {
            List<ChangeEvent> events = new CopyOnWriteArrayList<>();
            r.watch("/", events::add);
            r.put("/a/b/c", "v1");
            assertEquals("v1", r.get("/a/b/c").orElseThrow().value());
            assertTrue(r.get("/a/b").isEmpty());
            assertEquals(List.of("b"), r.children("/a"));
            r.put("/a/b/c", "");
            assertEquals("", r.get("/a/b/c").orElseThrow().value());
            assertTrue(r.compareAndSet("/x", null, "1"));
            assertFalse(r.compareAndSet("/x", null, "2"));
            assertTrue(r.compareAndSet("/x", "1", "2"));
            assertFalse(r.compareAndSet("/x", "1", "3"));
            assertTrue(r.commit(List.of(Operation.check("/y", null), Operation.put("/y/z", "q"), Operation.put("/y/z", "q2"), Operation.delete("/x"))));
            assertEquals("q2", r.get("/y/z").orElseThrow().value());
            assertTrue(r.get("/x").isEmpty());
            assertFalse(r.commit(List.of(Operation.check("/y/z", "nope"), Operation.put("/w", "w"))));
            r.delete("/a");
            assertEquals(List.of("y"), r.children("/"));
            r.putEphemeral("/status/i1", "up");
            try (var lease = r.lock("l1").tryLock(Duration.ZERO).orElseThrow()) {
                assertTrue(lease.isValid());
                System.out.println("token " + lease.fencingToken());
            }
            long deadline = System.currentTimeMillis() + 5000;
            while (events.size() < 9 && System.currentTimeMillis() < deadline) Thread.onSpinWait();
            events.forEach(System.out::println);
        }
    }
}
