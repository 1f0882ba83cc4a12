package io.governor.core;

import io.governor.api.repository.BulkReads;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.memory.MemoryRepositoryProvider;
import io.governor.core.memory.MemoryStore;
import io.governor.test.Await;
import io.governor.test.CallCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status writer: a change is written {@link InstanceStatus#SETTLE_MILLIS} ms later, once for a
 * burst, with the last content; start-up writes at once.
 */
class InstanceStatusTest {

    private static final String ID = "host@1@a";

    private final String store = "status-" + UUID.randomUUID();
    private final RegistryRepository memory = new MemoryRepositoryProvider().create(
            RepositoryConfig.builder("memory").serverLists(store).namespace("ns").build());
    private final CallCounter<RegistryRepository> counter = new CallCounter<>(RegistryRepository.class, memory,
            Map.of(BulkReads.class, BulkReads.of(memory)));
    private final Map<String, AtomicInteger> calls = counter.calls();
    /** When the first status write was made (System.nanoTime), 0 before. */
    private final AtomicLong firstWrite = new AtomicLong();
    private final Instances instances = new Instances(timed(counter.proxy()), new YamlCodec(RuleCodecs.load()));
    private final ControlThread control = new ControlThread("ns");
    private final InstanceStatus status = new InstanceStatus(instances, "ns", ID, Map.of(), control);

    @AfterEach
    void close() {
        control.close();
        memory.close();
        MemoryStore.drop(store);
    }

    /** {@code repo}, noting when the first {@code putEphemeral} is made. */
    private RegistryRepository timed(RegistryRepository repo) {
        return (RegistryRepository) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RegistryRepository.class}, (proxy, method, args) -> {
                    if (method.getName().equals("putEphemeral")) {
                        firstWrite.compareAndSet(0, System.nanoTime());
                    }
                    try {
                        return method.invoke(repo, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private int writes() {
        AtomicInteger n = calls.get("putEphemeral");
        return n == null ? 0 : n.get();
    }

    private String written(String db) {
        List<InstanceInfo> all = instances.instances();
        return all.isEmpty() ? null : all.get(0).appliedRevisions().get(db);
    }

    @Test
    void startUpWritesAtOnce() {
        status.publishNow();
        assertEquals(1, writes());
        assertEquals(1, instances.instances().size());
    }

    @Test
    void aBurstOfChangesIsWrittenOnceAfterTheSettleDelayWithTheLastContent() throws Exception {
        AtomicLong firstChange = new AtomicLong();
        CountDownLatch burstDone = new CountDownLatch(1);
        // the burst runs as one control-thread task, so the write it schedules cannot start before it ends
        control.execute(() -> {
            firstChange.set(System.nanoTime());
            for (int i = 1; i <= 20; i++) {
                status.applied("orders", "rev-" + i);
            }
            burstDone.countDown();
        });
        assertTrue(burstDone.await(10, TimeUnit.SECONDS));

        Await.until("the status shows the last change", () -> "rev-20".equals(written("orders")));
        assertEquals(1, writes(), "one write for the burst");
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(firstWrite.get() - firstChange.get());
        assertTrue(waitedMillis >= InstanceStatus.SETTLE_MILLIS, "written " + waitedMillis + " ms after the first change");

        status.applied("orders", "rev-21");
        Await.until("a later change is written too", () -> "rev-21".equals(written("orders")));
        assertEquals(2, writes());
    }

    @Test
    void aChangeAfterCloseIsNotWritten() throws Exception {
        status.publishNow();
        status.close();
        status.applied("orders", "rev-1");
        CountDownLatch after = new CountDownLatch(1);
        control.schedule(after::countDown, InstanceStatus.SETTLE_MILLIS + 10);
        assertTrue(after.await(10, TimeUnit.SECONDS));
        assertEquals(1, writes());
        assertEquals(null, written("orders"));
    }
}
