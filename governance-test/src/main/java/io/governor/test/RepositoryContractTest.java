package io.governor.test;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.BulkReads;
import io.governor.api.repository.Capability;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Operation;
import io.governor.api.repository.LocalReads;
import io.governor.api.repository.Paths;
import io.governor.api.repository.Repository;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.Watch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.governor.api.repository.ChangeEvent.Type.ADDED;
import static io.governor.api.repository.ChangeEvent.Type.UPDATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The contract every {@link Repository} passes: reads and writes with versions, children, bulk reads
 * ({@code childValues}, {@code readAll}, through {@link BulkReads#of}: the backend's own where it has
 * them, the plain ones elsewhere), compare and set, recursive delete, key and value limits, prefix
 * watches, local reads ({@link LocalReads}), commit and close.
 *
 * <p>A repository module extends this class (or {@link RegistryRepositoryContractTest}) and supplies
 * {@link #newRepository(String)}; starting and stopping the server is up to the subclass (a static
 * {@code @BeforeAll}, a JUnit extension). Each test runs in a fresh unique namespace, so tests can
 * share one server; every client made through {@link #client()} is closed after the test. Tests that
 * need a {@link Capability} run only where {@link Repository#capabilities()} declares it.
 *
 * <p>Every wait is bounded by {@link #awaitTimeout()}; every test by a {@link Timeout}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class RepositoryContractTest extends WatchContract {

    /**
     * A new client connected to the server under test, scoped to {@code namespace}, as the module's
     * provider would create it. Called several times per test for several clients.
     */
    @Override
    protected abstract Repository newRepository(String namespace) throws Exception;

    // ---- reads and writes ----------------------------------------------------------------------

    @Test
    void putThenGetReturnsValueAndVersion() {
        Repository r = client();
        r.put("/app/name", "orders");
        VersionedValue v = r.get("/app/name").orElseThrow(() -> new AssertionError("/app/name not found after put"));
        assertEquals("orders", v.value());
        assertEquals(v, client().get("/app/name").orElseThrow(), "another client reads the same value and version");
    }

    @Test
    void getOfMissingKeyIsEmpty() {
        assertEquals(Optional.empty(), client().get("/missing/key"));
    }

    @Test
    void overwriteIncreasesVersion() {
        Repository r = client();
        r.put("/k", "1");
        long v1 = r.get("/k").orElseThrow().version();
        r.put("/k", "2");
        VersionedValue v2 = r.get("/k").orElseThrow();
        assertEquals("2", v2.value());
        assertTrue(v2.version() > v1, () -> "version " + v2.version() + " after overwrite must exceed " + v1);
        r.put("/k", "2");
        long v3 = r.get("/k").orElseThrow().version();
        assertTrue(v3 > v2.version(), "writing the same value again is still a write with a new version");
    }

    @Test
    void putCreatesParentsThatListTheKey() {
        Repository r = client();
        r.put("/a/b/c", "v");
        assertEquals(List.of("b"), r.children("/a"));
        assertEquals(List.of("c"), r.children("/a/b"));
        assertTrue(r.children("/").contains("a"), () -> "root children " + r.children("/"));
    }

    @Test
    void childrenAreSortedAndDirectOnly() {
        Repository r = client();
        for (String name : List.of("zeta", "alpha", "Beta", "m-1", "m.0", "m_2", "10", "9")) {
            r.put("/p/" + name, name);
        }
        r.put("/p/alpha/nested/deeper", "x");
        r.put("/pp/not-a-child", "x");
        List<String> expected = new ArrayList<>(List.of("zeta", "alpha", "Beta", "m-1", "m.0", "m_2", "10", "9"));
        Collections.sort(expected);
        assertEquals(expected, r.children("/p"));
        assertEquals(List.of("nested"), r.children("/p/alpha"));
    }

    @Test
    void childValuesReadsDirectChildrenWithValuesAsGetDoes() {
        Repository r = client();
        List<String> names = List.of("zeta", "alpha", "Beta", "m-1", "m.0", "m_2", "10", "9");
        for (String name : names) {
            r.put("/p/" + name, "value of " + name);
        }
        r.put("/p/alpha/nested/deeper", "x");
        r.put("/p/structural/deeper", "x");
        r.put("/pp/not-a-child", "x");
        r.put("/p/empty", "");
        Repository reader = client();
        SortedMap<String, VersionedValue> read = BulkReads.of(reader).childValues("/p");
        SortedMap<String, VersionedValue> expected = new TreeMap<>();
        for (String name : reader.children("/p")) {
            reader.get("/p/" + name).ifPresent(v -> expected.put(name, v));
        }
        assertEquals(expected, read, "childValues equals children + get, value and version");
        List<String> withValues = new ArrayList<>(names);
        withValues.add("empty");
        Collections.sort(withValues);
        assertEquals(withValues, new ArrayList<>(read.keySet()), "sorted, direct children holding values only");
        assertEquals("value of alpha", read.get("alpha").value());
        assertEquals("", read.get("empty").value());
        assertEquals(Map.of("deeper", reader.get("/p/alpha/nested/deeper").orElseThrow()), BulkReads.of(reader).childValues("/p/alpha/nested"));
        assertEquals(Map.of(), BulkReads.of(reader).childValues("/"), "the root lists like any key: /p and /pp hold no values");
    }

    @Test
    void childValuesOfMissingOrChildlessKeyIsEmpty() {
        Repository r = client();
        r.put("/leaf", "v");
        assertEquals(Map.of(), BulkReads.of(r).childValues("/nothing/here"));
        assertEquals(Map.of(), BulkReads.of(r).childValues("/leaf"));
    }

    @Test
    void childValuesSeesManyChildrenAndLaterChanges() {
        Repository r = client();
        for (int i = 0; i < 300; i++) {
            r.put(String.format("/many/c%03d", i), "v" + i);
        }
        SortedMap<String, VersionedValue> first = BulkReads.of(r).childValues("/many");
        assertEquals(300, first.size());
        assertEquals("v299", first.get("c299").value());
        r.put("/many/c000", "changed");
        r.delete("/many/c001");
        SortedMap<String, VersionedValue> second = BulkReads.of(client()).childValues("/many");
        assertEquals(299, second.size());
        assertFalse(second.containsKey("c001"), "a deleted child is gone");
        assertEquals("changed", second.get("c000").value());
        assertTrue(second.get("c000").version() > first.get("c000").version(), "the version of a rewritten child grows");
    }

    @Test
    void readAllEqualsGetAndChildValues() {
        Repository r = client();
        r.put("/p/a", "value of a");
        r.put("/p/b", "value of b");
        r.put("/p/b/deep/deeper", "deeper");
        r.put("/p/structural/below", "below");
        r.put("/p/empty", "");
        r.put("/pp/not-a-child", "x");
        r.put("/q", "leaf");
        r.put("/props", "props");
        Repository reader = client();
        List<String> keys = List.of("/q", "/missing", "/p/a", "/p/structural", "/props", "/q", "/p/b/deep/deeper");
        List<String> parents = List.of("/p", "/absent/parent", "/q", "/p/b/deep", "/p");
        SortedMap<String, VersionedValue> read = BulkReads.of(reader).readAll(keys, parents);
        SortedMap<String, VersionedValue> expected = new TreeMap<>();
        for (String key : keys) {
            reader.get(key).ifPresent(v -> expected.put(key, v));
        }
        for (String parent : parents) {
            BulkReads.of(reader).childValues(parent).forEach((name, v) -> expected.put(Paths.join(parent, name), v));
        }
        assertEquals(expected, read, "readAll equals get per key + childValues per parent, value and version");
        assertEquals(List.of("/p/a", "/p/b", "/p/b/deep/deeper", "/p/empty", "/props", "/q"), new ArrayList<>(read.keySet()),
                "by full key, sorted; absent keys, structural nodes, deeper descendants and non-children left out");
        assertEquals("", read.get("/p/empty").value());
        assertEquals(reader.get("/p/b").orElseThrow(), read.get("/p/b"));
    }

    @Test
    void readAllOfTheRootAndOfEmptyCollections() {
        Repository r = client();
        assertEquals(Map.of(), BulkReads.of(r).readAll(List.of(), List.of()), "nothing asked, nothing read");
        assertEquals(Map.of(), BulkReads.of(r).readAll(List.of("/none"), List.of("/"))); // a fresh namespace
        r.put("/top", "t");
        r.put("/dir/child", "c");
        Repository reader = client();
        VersionedValue top = reader.get("/top").orElseThrow();
        assertEquals(Map.of("/top", top), BulkReads.of(reader).readAll(List.of(), List.of("/")), "the root's children with values");
        assertEquals(Map.of("/top", top), BulkReads.of(reader).readAll(List.of("/top"), List.of()), "keys only");
        assertEquals(Map.of("/dir/child", reader.get("/dir/child").orElseThrow()), BulkReads.of(reader).readAll(List.of(), List.of("/dir")),
                "parents only");
    }

    @Test
    void readAllReadsManyKeysAndParents() {
        Repository r = client();
        List<String> keys = new ArrayList<>();
        List<String> parents = new ArrayList<>();
        for (int i = 0; i < 140; i++) {
            keys.add(String.format("/many/k%03d", i));
            if (i % 7 == 0) {
                r.put(keys.get(i), "v" + i); // every 7th exists, some beyond the first 128 reads
            }
        }
        for (int i = 0; i < 20; i++) {
            parents.add("/parents/p" + i);
            if (i % 5 == 4) {
                r.put("/parents/p" + i + "/child", "c" + i);
            }
        }
        SortedMap<String, VersionedValue> read = BulkReads.of(client()).readAll(keys, parents);
        assertEquals(20 + 4, read.size(), () -> "nodes found: " + read.keySet());
        assertEquals("v133", read.get("/many/k133").value());
        assertEquals("c19", read.get("/parents/p19/child").value());
        assertEquals(r.get("/many/k000").orElseThrow(), read.get("/many/k000"));
    }

    @Test
    void readAllRejectsInvalidArguments() {
        Repository r = client();
        r.put("/ok", "v");
        for (String bad : List.of("", "a", "/a/", "/a//b", "/a/..", "/a b", "/" + "x".repeat(Paths.MAX_SEGMENT_LENGTH + 1))) {
            GovernanceException e = assertError(ErrorCode.INVALID_ARGUMENT, () -> BulkReads.of(r).readAll(List.of("/ok", bad), List.of()));
            assertTrue(e.getMessage().contains("'" + bad + "'"), () -> "message names the key: " + e.getMessage());
            assertError(ErrorCode.INVALID_ARGUMENT, () -> BulkReads.of(r).readAll(List.of("/ok"), List.of("/", bad)));
        }
        assertError(ErrorCode.INVALID_ARGUMENT, () -> BulkReads.of(r).readAll(List.of("/"), List.of()));
        assertError(ErrorCode.INVALID_ARGUMENT, () -> BulkReads.of(r).readAll(Arrays.asList("/ok", null), List.of()));
        assertError(ErrorCode.INVALID_ARGUMENT, () -> BulkReads.of(r).readAll(List.of(), Arrays.asList("/", null)));
        assertError(ErrorCode.INVALID_ARGUMENT, () -> BulkReads.of(r).readAll(null, List.of()));
        assertError(ErrorCode.INVALID_ARGUMENT, () -> BulkReads.of(r).readAll(List.of("/ok"), null));
        assertEquals(Map.of("/ok", r.get("/ok").orElseThrow()), BulkReads.of(r).readAll(List.of("/ok"), List.of()),
                "the repository still reads after refusing bad arguments");
    }

    @Test
    void childrenOfMissingKeyIsEmpty() {
        Repository r = client();
        assertEquals(List.of(), r.children("/nothing/here"));
        assertEquals(List.of(), r.children("/"), "a fresh namespace has no children");
    }

    @Test
    void namespacesAreIsolated() {
        Repository mine = client();
        Repository other = client(namespace() + "-other");
        mine.put("/iso/k", "mine");
        assertEquals(Optional.empty(), other.get("/iso/k"));
        other.put("/iso/k", "other");
        assertEquals("mine", mine.get("/iso/k").orElseThrow().value());
        assertEquals(List.of("iso"), other.children("/"));
        other.delete("/iso");
        assertEquals("mine", mine.get("/iso/k").orElseThrow().value(), "a delete in another namespace leaves mine");
    }

    @Test
    void compareAndSetWithNullCreatesOnlyIfAbsent() {
        Repository r = client();
        assertTrue(r.compareAndSet("/cas/new", null, "first"));
        assertEquals("first", r.get("/cas/new").orElseThrow().value());
        assertFalse(r.compareAndSet("/cas/new", null, "second"), "key exists: create-if-absent must fail");
        assertEquals("first", r.get("/cas/new").orElseThrow().value());
    }

    @Test
    void compareAndSetReplacesOnMatch() {
        Repository r = client();
        r.put("/cas/k", "old");
        long before = r.get("/cas/k").orElseThrow().version();
        assertTrue(r.compareAndSet("/cas/k", "old", "new"));
        VersionedValue after = r.get("/cas/k").orElseThrow();
        assertEquals("new", after.value());
        assertTrue(after.version() > before, "compare-and-set writes a new version");
    }

    @Test
    void compareAndSetMismatchLeavesValue() {
        Repository r = client();
        r.put("/cas/k", "current");
        VersionedValue before = r.get("/cas/k").orElseThrow();
        assertFalse(r.compareAndSet("/cas/k", "stale", "new"));
        assertEquals(before, r.get("/cas/k").orElseThrow(), "value and version unchanged after a mismatch");
        assertFalse(r.compareAndSet("/cas/absent", "anything", "new"), "an absent key matches no expected value");
        assertEquals(Optional.empty(), r.get("/cas/absent"));
    }

    @Test
    void deleteIsRecursive() {
        Repository r = client();
        r.put("/d/a", "1");
        r.put("/d/a/b/c", "2");
        r.put("/d/e", "3");
        r.put("/dd", "sibling");
        r.delete("/d");
        assertEquals(Optional.empty(), r.get("/d/a"));
        assertEquals(Optional.empty(), r.get("/d/a/b/c"));
        assertEquals(Optional.empty(), r.get("/d/e"));
        assertEquals(Optional.empty(), r.get("/d"));
        assertEquals("sibling", r.get("/dd").orElseThrow().value(), "a sibling with a common prefix survives");
        assertEquals(List.of(), r.children("/d"));
    }

    @Test
    void deleteOfMissingKeyIsNoOp() {
        Repository r = client();
        r.delete("/never/written");
        r.put("/x", "1");
        r.delete("/x");
        r.delete("/x");
        assertEquals(Optional.empty(), r.get("/x"));
    }

    // ---- keys and values -----------------------------------------------------------------------

    @Test
    void invalidKeysAreRejected() {
        Repository r = client();
        List<String> invalid = new ArrayList<>(List.of("", "a", "a/b", "/a/", "//a", "/a//b", "/.", "/a/..",
                "/a/./b", "/a b", "/a\nb", "/\u00e4", "/a/*", "/a\\b", "/" + "x".repeat(Paths.MAX_SEGMENT_LENGTH + 1),
                "/s".repeat(Paths.MAX_DEPTH + 1)));
        invalid.add(null);
        for (String key : invalid) {
            assertError(ErrorCode.INVALID_ARGUMENT, () -> r.get(key));
            assertError(ErrorCode.INVALID_ARGUMENT, () -> r.put(key, "v"));
            assertError(ErrorCode.INVALID_ARGUMENT, () -> r.compareAndSet(key, null, "v"));
            assertError(ErrorCode.INVALID_ARGUMENT, () -> r.delete(key));
            assertError(ErrorCode.INVALID_ARGUMENT, () -> r.children(key));
            assertError(ErrorCode.INVALID_ARGUMENT, () -> r.watch(key, new EventRecorder()));
        }
        assertError(ErrorCode.INVALID_ARGUMENT, () -> r.put("/", "v"));
        assertError(ErrorCode.INVALID_ARGUMENT, () -> r.get("/"));
        assertError(ErrorCode.INVALID_ARGUMENT, () -> r.delete("/"));
    }

    @Test
    void keysWithEveryLegalCharacterRoundTrip() {
        Repository r = client();
        EventRecorder events = new EventRecorder();
        r.watch("/keys", events);
        List<String> keys = ContractKeys.legalKeysUnder("/keys");
        for (String key : keys) {
            r.put(key, "value of " + key);
        }
        for (String key : keys) {
            assertEquals("value of " + key, r.get(key).map(VersionedValue::value).orElse(null), key);
            awaitEvent(events, ADDED, key, "value of " + key);
            assertTrue(r.children(Paths.parent(key)).contains(Paths.name(key)),
                    () -> "children of " + Paths.parent(key) + " list " + Paths.name(key));
        }
        for (String key : keys) {
            r.delete(key);
            assertEquals(Optional.empty(), r.get(key), key);
        }
    }

    @Test
    void unicodeMultilineAndEmptyValuesRoundTrip() {
        Repository r = client();
        List<String> values = List.of("", " ", "h\u00e9llo w\u00f6rld \u2713 \u65e5\u672c\u8a9e \ud83d\ude00",
                "line1\nline2\r\nline3\n", "\ttabs\tand  spaces  ", "quotes \" ' ` and \\ backslash",
                "{\"json\": [1, 2]}", "${not.a.placeholder} %s %n", "nul\u0000byte");
        for (int i = 0; i < values.size(); i++) {
            String key = "/values/v" + i;
            r.put(key, values.get(i));
            assertEquals(values.get(i), r.get(key).orElseThrow(() -> new AssertionError(key + " not found")).value(),
                    "value " + i + " round-trips");
        }
    }

    @Test
    void valueOfMaxBytesIsAcceptedAndOneMoreIsRejected() {
        Repository r = client();
        int max = r.maxValueBytes();
        assertTrue(max > 0, "maxValueBytes is positive");
        // two-byte characters, so a repository counting chars instead of UTF-8 bytes fails
        String exact = "\u00e9".repeat(max / 2) + "a".repeat(max % 2);
        r.put("/big", exact);
        assertEquals(exact, r.get("/big").orElseThrow().value());
        String over = exact + "a";
        GovernanceException e = assertError(ErrorCode.VALUE_TOO_LARGE, () -> r.put("/big", over));
        assertTrue(e.getMessage().contains("/big"), () -> "message names the key: " + e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(max + 1)), () -> "message names the size: " + e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(max)), () -> "message names the limit: " + e.getMessage());
        assertEquals(exact, r.get("/big").orElseThrow().value(), "a rejected value is not written");
    }

    // ---- atomic operations ---------------------------------------------------------------------

    @Test
    void concurrentCompareAndSetIncrementsLoseNoUpdate() throws Exception {
        Repository first = client();
        assumeCapability(first, Capability.COMPARE_AND_SET);
        Repository second = client();
        first.put("/counter", "0");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Repository r = t % 2 == 0 ? first : second;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        while (true) {
                            String current = r.get("/counter").orElseThrow().value();
                            if (r.compareAndSet("/counter", current, String.valueOf(Long.parseLong(current) + 1))) {
                                break;
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(100, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals("800", first.get("/counter").orElseThrow().value());
    }

    @Test
    void commitAppliesAllOrNothing() {
        Repository r = client();
        assumeCapability(r, Capability.TRANSACTION);
        r.put("/tx/a", "1");
        r.put("/tx/old/child", "x");
        assertFalse(r.commit(List.of(Operation.check("/tx/a", "2"), Operation.put("/tx/b", "new"),
                Operation.delete("/tx/old"))), "a failing check fails the commit");
        assertEquals(Optional.empty(), r.get("/tx/b"), "nothing written when a check fails");
        assertEquals("x", r.get("/tx/old/child").orElseThrow().value(), "nothing deleted when a check fails");
        assertFalse(r.commit(List.of(Operation.check("/tx/a", null), Operation.put("/tx/b", "new"))),
                "check for absence fails on an existing key");
        assertEquals(Optional.empty(), r.get("/tx/b"));

        assertTrue(r.commit(List.of(Operation.check("/tx/a", "1"), Operation.check("/tx/none", null),
                Operation.put("/tx/b", "new"), Operation.put("/tx/a", "2"), Operation.delete("/tx/old"))));
        assertEquals("new", r.get("/tx/b").orElseThrow().value());
        assertEquals("2", r.get("/tx/a").orElseThrow().value());
        assertEquals(Optional.empty(), r.get("/tx/old/child"), "commit deletes recursively");
    }

    @Test
    void watchSeesEveryWriteOfACommit() {
        Repository r = client();
        assumeCapability(r, Capability.TRANSACTION);
        r.put("/txw/old", "x");
        EventRecorder events = new EventRecorder();
        r.watch("/txw", events);
        assertTrue(r.commit(List.of(Operation.put("/txw/a", "1"), Operation.put("/txw/b", "2"), Operation.delete("/txw/old"))));
        awaitEvent(events, ChangeEvent.Type.ADDED, "/txw/a", "1");
        awaitEvent(events, ChangeEvent.Type.ADDED, "/txw/b", "2");
        awaitEvent(events, ChangeEvent.Type.DELETED, "/txw/old", null);
    }

    /**
     * {@code LocalReads.readLocally}: where a watch answers it, the answer is {@code readAll} as of one
     * moment no older than the event being delivered (a commit appears whole from its first event),
     * and equal to {@code readAll} once the events are in; never an answer outside the prefix or
     * after close.
     */
    @Test
    void aWatchThatReadsLocallyShowsACommitWholeFromItsFirstEventAndMatchesReadAll() {
        Repository r = client();
        Repository writer = client();
        writer.put("/rl/keep", "k");
        writer.put("/rl/ds/a", "1");
        writer.put("/rl/ds/a/deeper", "not a direct child");
        List<String> keys = List.of("/rl/keep", "/rl/rules", "/rl/none");
        List<String> parents = List.of("/rl/ds");
        List<Optional<SortedMap<String, VersionedValue>>> inListener = new java.util.concurrent.CopyOnWriteArrayList<>();
        EventRecorder events = new EventRecorder();
        Watch[] watch = new Watch[1];
        watch[0] = r.watch("/rl", e -> {
            inListener.add(LocalReads.read(watch[0], keys, parents));
            events.onEvent(e);
        });
        // a first call: an implementation may start keeping values only when asked
        Optional<SortedMap<String, VersionedValue>> first = LocalReads.read(watch[0], keys, parents);
        first.ifPresent(m -> assertEquals(values(BulkReads.of(r).readAll(keys, parents)), values(m)));
        if (watchesAnswerLocalReads()) {
            Await.until(awaitTimeout(), "readLocally answers once asked",
                    () -> LocalReads.read(watch[0], keys, parents).isPresent());
        }

        writer.put("/rl/rules", "r1");
        awaitEvent(events, ChangeEvent.Type.ADDED, "/rl/rules", "r1");
        Map<String, String> afterPut = Map.of("/rl/keep", "k", "/rl/rules", "r1", "/rl/ds/a", "1");
        if (r.capabilities().contains(Capability.TRANSACTION)) {
            assertTrue(writer.commit(List.of(Operation.put("/rl/rules", "r2"), Operation.put("/rl/ds/b", "2"),
                    Operation.delete("/rl/ds/a"))));
            awaitEvent(events, ChangeEvent.Type.ADDED, "/rl/ds/b", "2");
            awaitEvent(events, ChangeEvent.Type.UPDATED, "/rl/rules", "r2");
            awaitEvent(events, ChangeEvent.Type.DELETED, "/rl/ds/a", null);
        }
        Map<String, String> end = values(BulkReads.of(r).readAll(keys, parents));
        List<Map<String, String>> states = new ArrayList<>();
        states.add(afterPut);
        states.add(end);
        for (Optional<SortedMap<String, VersionedValue>> seen : inListener) {
            seen.ifPresent(m -> assertTrue(states.contains(values(m)),
                    () -> "a local read during delivery must show the put or the whole commit, not " + m));
        }
        // the put's event: the put is visible to a local read made while it is delivered
        Optional<SortedMap<String, VersionedValue>> duringPut = inListener.get(events.events().indexOf(
                events.eventsFor("/rl/rules").get(0)));
        duringPut.ifPresent(m -> assertEquals(afterPut, values(m), "a local read during delivery of the put"));
        if (watchesAnswerLocalReads()) {
            assertTrue(inListener.stream().allMatch(Optional::isPresent), () -> "answered during delivery: " + inListener);
        }
        Optional<SortedMap<String, VersionedValue>> now = LocalReads.read(watch[0], keys, parents);
        assertEquals(watchesAnswerLocalReads(), now.isPresent(), () -> "answers: " + now);
        now.ifPresent(m -> assertEquals(BulkReads.of(r).readAll(keys, parents), m, "values and versions as readAll"));

        assertEquals(Optional.empty(), LocalReads.read(watch[0], List.of("/other"), List.of()), "outside the prefix");
        assertEquals(Optional.empty(), LocalReads.read(watch[0], List.of(), List.of("/rlx")), "a sibling with a common prefix");
        assertError(ErrorCode.INVALID_ARGUMENT, () -> LocalReads.read(watch[0], null, parents));
        assertError(ErrorCode.INVALID_ARGUMENT, () -> LocalReads.read(watch[0], List.of("/"), parents));
        watch[0].close();
        assertEquals(Optional.empty(), LocalReads.read(watch[0], keys, parents), "after close");
    }

    private static Map<String, String> values(Map<String, VersionedValue> nodes) {
        Map<String, String> out = new java.util.HashMap<>();
        nodes.forEach((k, v) -> out.put(k, v.value()));
        return out;
    }

    @Test
    void commitWithoutTransactionCapabilityFails() {
        Repository r = client();
        assumeFalse(r.capabilities().contains(Capability.TRANSACTION), () -> r.type() + " declares TRANSACTION");
        assertError(ErrorCode.CAPABILITY_MISSING, () -> r.commit(List.of(Operation.put("/k", "v"))));
        assertEquals(Optional.empty(), r.get("/k"));
    }

    // ---- close ---------------------------------------------------------------------------------

    @Test
    void operationsAfterCloseThrowClosed() {
        Repository r = client();
        r.put("/k", "v");
        EventRecorder events = new EventRecorder();
        r.watch("/k", events);
        r.close();
        r.close();
        assertError(ErrorCode.CLOSED, () -> r.get("/k"));
        assertError(ErrorCode.CLOSED, () -> r.put("/k", "w"));
        assertError(ErrorCode.CLOSED, () -> r.compareAndSet("/k", "v", "w"));
        assertError(ErrorCode.CLOSED, () -> r.delete("/k"));
        assertError(ErrorCode.CLOSED, () -> r.children("/"));
        assertError(ErrorCode.CLOSED, () -> BulkReads.of(r).readAll(List.of("/k"), List.of()));
        assertError(ErrorCode.CLOSED, () -> BulkReads.of(r).childValues("/"));
        assertError(ErrorCode.CLOSED, () -> BulkReads.of(r).readAll(List.of(), List.of("/")));
        assertError(ErrorCode.CLOSED, () -> r.watch("/k", new EventRecorder()));

        Repository other = client();
        EventRecorder probe = new EventRecorder();
        other.watch("/k", probe);
        other.put("/k", "after close");
        awaitEvent(probe, UPDATED, "/k", "after close");
        assertEquals(List.of(), events.events(), "a closed repository's watch delivers nothing");
    }
}
