package io.governor.repository.etcd;

import io.governor.api.GovernanceException;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.VersionedValue;
import io.governor.test.Await;
import io.governor.test.StateRecorder;
import io.governor.test.EventRecorder;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A three-member cluster loses its leader (SIGKILL) in the middle of a stream of writes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdLeaderKillIT {

    private static final int WRITES = 150;
    private static final int KILL_AFTER = 40;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(3);

    @Test
    void leaderKillDuringWritesLosesNoAcknowledgedWriteAndWatchSeesEveryEventInOrder() throws Exception {
        try (EtcdRepository writer = TestClients.connect(ETCD.endpoints(), "leader-kill", Duration.ofSeconds(10));
             EtcdRepository watcher = TestClients.connect(ETCD.endpoints(), "leader-kill", Duration.ofSeconds(5))) {
            StateRecorder watcherStates = StateRecorder.on(watcher);
            watcher.putEphemeral("/status/watcher", "alive");
            EventRecorder events = new EventRecorder();
            watcher.watch("/w", events);

            List<Integer> acknowledged = new CopyOnWriteArrayList<>();
            List<Integer> failed = new CopyOnWriteArrayList<>();
            CountDownLatch killPoint = new CountDownLatch(KILL_AFTER);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            Future<?> stream = pool.submit(() -> {
                for (int i = 0; i < WRITES; i++) {
                    try {
                        writer.put(key(i), "v" + i);
                        acknowledged.add(i);
                    } catch (GovernanceException e) {
                        failed.add(i);
                    }
                    killPoint.countDown();
                }
            });
            assertTrue(killPoint.await(60, TimeUnit.SECONDS), "writes started");
            int leader = ETCD.leader();
            ETCD.kill(leader);
            stream.get(90, TimeUnit.SECONDS);
            pool.shutdown();

            assertTrue(acknowledged.size() >= WRITES - 5, () -> "most writes acknowledged; failed: " + failed);
            for (int i : acknowledged) {
                assertEquals(Optional.of("v" + i), writer.get(key(i)).map(VersionedValue::value), "acknowledged write " + i);
            }
            int last = acknowledged.get(acknowledged.size() - 1);
            events.await(WAIT, "event of the last acknowledged write", e -> e.key().equals(key(last)));
            List<String> seen = new ArrayList<>();
            for (ChangeEvent e : events.events()) {
                assertEquals(ChangeEvent.Type.ADDED, e.type(), () -> "only additions: " + e);
                seen.add(e.key());
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < WRITES; i++) {
                if (acknowledged.contains(i) || seen.contains(key(i))) {
                    expected.add(key(i));
                }
            }
            assertEquals(expected, seen, "every write's event exactly once, in write order");

            assertEquals(Optional.of("alive"), writer.get("/status/watcher").map(VersionedValue::value),
                    "the ephemeral survives the leader change");
            assertFalse(watcherStates.seen().contains(ConnectionState.LOST), () -> "lease never lost: " + watcherStates.seen());
            watcher.put("/w/after", "x");
            Await.until(WAIT, "watch still live after the leader change",
                    () -> events.eventsFor("/w/after").size() == 1);
        }
    }

    private static String key(int i) {
        return String.format("/w/k%04d", i);
    }
}
