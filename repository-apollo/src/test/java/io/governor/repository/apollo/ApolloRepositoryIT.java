package io.governor.repository.apollo;

import com.ctrip.framework.apollo.openapi.dto.OpenReleaseDTO;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Repository;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.support.VersionedText;
import io.governor.test.Await;
import io.governor.test.TcpProxy;
import io.governor.test.apollo.ApolloServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Apollo repository on a real Apollo 2.4.0 ({@link ApolloServer}): reads through the Apollo
 * client, writes through the portal's OpenAPI, edits "by hand" through the OpenAPI client. Faults:
 * a {@link TcpProxy} in front of the config service, and {@link ReleaseFaults} in front of the
 * portal for releases that fail.
 */
class ApolloRepositoryIT {

    @RegisterExtension
    static final ApolloServer APOLLO = ApolloServer.shared();
    private static final long EVENT_TIMEOUT_SECONDS = 15;

    @Test
    void writeThroughPortalIsSeenByAnotherRepositoryThroughTheClient() {
        String ns = ApolloTesting.namespace();
        try (Repository writer = ApolloTesting.open(APOLLO, ns);
             Repository reader = ApolloTesting.open(APOLLO, ns)) {
            writer.put("/config/databases/orders/rules", "- !READWRITE_SPLITTING");

            Await.until("reader sees the write", () -> reader.get("/config/databases/orders/rules").isPresent());
            assertEquals("- !READWRITE_SPLITTING", reader.get("/config/databases/orders/rules").get().value());
            assertEquals(List.of("orders"), reader.children("/config/databases"));
            assertEquals(List.of("config"), reader.children("/"));
        }
    }

    @Test
    void aWriteIsVisibleToTheWritersNextRead() {
        try (Repository repo = ApolloTesting.open(APOLLO, ApolloTesting.namespace())) {
            repo.put("/a", "1");
            VersionedValue first = repo.get("/a").orElseThrow();
            assertEquals("1", first.value());

            repo.put("/a", "2");
            VersionedValue second = repo.get("/a").orElseThrow();
            assertEquals("2", second.value());
            assertTrue(second.version() > first.version(), "version grows with every change");
        }
    }

    @Test
    void watchTranslatesApolloChangesIntoEventsOnTheRepositoryThread() throws Exception {
        String ns = ApolloTesting.namespace();
        BlockingQueue<ChangeEvent> events = new LinkedBlockingQueue<>();
        BlockingQueue<String> threads = new LinkedBlockingQueue<>();
        try (Repository repo = new ApolloRepositoryProvider().create(ApolloTesting.readOnly(APOLLO, ns).build())) {
            repo.watch("/config", e -> {
                events.add(e);
                threads.add(Thread.currentThread().getName());
            });
            String item = "/" + ns + "/config/props";

            ApolloTesting.setAndRelease(APOLLO, item, "a: 1");
            assertEvent(events.poll(EVENT_TIMEOUT_SECONDS, TimeUnit.SECONDS), ChangeEvent.Type.ADDED, "/config/props", "a: 1");
            ApolloTesting.setAndRelease(APOLLO, item, "a: 2");
            assertEvent(events.poll(EVENT_TIMEOUT_SECONDS, TimeUnit.SECONDS), ChangeEvent.Type.UPDATED, "/config/props", "a: 2");
            ApolloTesting.removeAndRelease(APOLLO, item);
            assertEvent(events.poll(EVENT_TIMEOUT_SECONDS, TimeUnit.SECONDS), ChangeEvent.Type.DELETED, "/config/props", "a: 2");

            assertEquals("governor-" + ns + "-watch", threads.take());
            assertFalse(repo.get("/config/props").isPresent());
        }
    }

    /**
     * The config service becomes unreachable (the proxy the JVM's Apollo client talks through cuts
     * every connection), keys change meanwhile, and the service comes back at the same address: the
     * Apollo client finds it again on its own (its long polling retries with a backoff) and the
     * watch then emits what it missed, deletions included.
     */
    @Test
    void watchCatchesUpWithChangesMadeWhileTheConfigServiceWasDown() {
        String ns = ApolloTesting.namespace();
        BlockingQueue<ChangeEvent> events = new LinkedBlockingQueue<>();
        TcpProxy proxy = ApolloTesting.configServiceProxy(APOLLO);
        try (Repository repo = ApolloTesting.open(APOLLO, ns)) {
            repo.put("/w/kept", "before");
            repo.put("/w/gone", "before");
            assertEquals(2, repo.children("/w").size());
            repo.watch("/w", events::add);

            int accepted = proxy.accepted();
            proxy.cut();
            try {
                Await.until(Duration.ofSeconds(30), "the client retrying the unreachable config service",
                        () -> proxy.accepted() - accepted >= 2);
                long version = repo.get("/w/kept").orElseThrow().version();
                ApolloTesting.setAndRelease(APOLLO, "/" + ns + "/w/kept", VersionedText.encode("after", version + 1, null));
                ApolloTesting.removeAndRelease(APOLLO, "/" + ns + "/w/gone");
            } finally {
                proxy.restore();
            }
            Await.until(Duration.ofSeconds(60), "watch caught up", () -> events.stream().anyMatch(e ->
                    e.type() == ChangeEvent.Type.UPDATED && e.key().equals("/w/kept") && e.value().equals("after"))
                    && events.stream().anyMatch(e -> e.type() == ChangeEvent.Type.DELETED && e.key().equals("/w/gone")));
            assertEquals(List.of("kept"), repo.children("/w"));
        }
    }

    @Test
    void itemsThatAreNoRepositoryKeysAreIgnored() {
        ApolloTesting.setAndRelease(APOLLO, "timeout", "100");
        try (Repository root = new ApolloRepositoryProvider().create(ApolloTesting.config(APOLLO, "").build())) {
            Await.until("the item released", () -> "100".equals(ApolloTesting.portalValue(APOLLO, "timeout")));
            assertFalse(root.children("/").contains("timeout"));
            assertEquals(Optional.empty(), root.get("/timeout"));
        }
    }

    @Test
    void deleteRemovesTheKeyAndEveryDescendantButNotSiblings() {
        try (Repository repo = ApolloTesting.open(APOLLO, ApolloTesting.namespace())) {
            repo.put("/a", "parent");
            repo.put("/a/b", "child");
            repo.put("/a/b/c", "grandchild");
            repo.put("/a-b", "sibling");

            repo.delete("/a");

            assertFalse(repo.get("/a").isPresent());
            assertFalse(repo.get("/a/b/c").isPresent());
            assertEquals(List.of(), repo.children("/a"));
            assertEquals("sibling", repo.get("/a-b").orElseThrow().value());
            repo.delete("/never-existed");
        }
    }

    /** Apollo 2.4 answers 404 "item not found" for an item already removed; the delete still releases the removal. */
    @Test
    void deletingAnItemAlreadyRemovedInThePortalReleasesTheRemoval() {
        String ns = ApolloTesting.namespace();
        try (Repository repo = ApolloTesting.open(APOLLO, ns)) {
            repo.put("/gone", "v");
            ApolloTesting.client(APOLLO).removeItem(APOLLO.appId(), APOLLO.env(), "default",
                    ApolloTesting.NAMESPACE_NAME, "/" + ns + "/gone", "apollo"); // removed, not released
            assertTrue(repo.get("/gone").isPresent(), "still released");

            repo.delete("/gone");
            assertEquals(Optional.empty(), repo.get("/gone"));
        }
    }

    @Test
    void compareAndSetComparesWithThePortalBeforeWriting() {
        try (Repository repo = ApolloTesting.open(APOLLO, ApolloTesting.namespace())) {
            assertTrue(repo.compareAndSet("/counter", null, "1"), "absent: created");
            assertFalse(repo.compareAndSet("/counter", null, "x"), "present: not created again");
            assertFalse(repo.compareAndSet("/counter", "0", "2"), "mismatch: unchanged");
            assertEquals("1", repo.get("/counter").orElseThrow().value());
            assertTrue(repo.compareAndSet("/counter", "1", "2"), "match: replaced");
            assertEquals("2", repo.get("/counter").orElseThrow().value());
        }
    }

    /** Every write is one release, whatever the key's length: Apollo keeps at most 64 characters of a release name. */
    @Test
    void keysOfEveryLegalLengthAreReleasedUnderANameApolloAccepts() {
        String ns = ApolloTesting.namespace();
        try (Repository repo = ApolloTesting.open(APOLLO, ns)) {
            String key = "/" + "k".repeat(100) + "/" + "l".repeat(100);
            repo.put(key, "long");
            assertEquals("long", repo.get(key).orElseThrow().value());
            OpenReleaseDTO latest = ApolloTesting.client(APOLLO).getLatestActiveRelease(APOLLO.appId(), APOLLO.env(),
                    "default", ApolloTesting.NAMESPACE_NAME);
            assertTrue(latest.getName().length() <= 64 && latest.getName().startsWith("governor put /kkk"), latest.getName());
            assertTrue(latest.getComment().startsWith("governor put " + key.substring(0, 200)), latest.getComment());
        }
    }

    /**
     * A release that fails leaves no draft behind: the next release, by anyone, must not publish a
     * write that was reported failed.
     */
    @Test
    void aWriteWhoseReleaseFailsLeavesNoDraftForTheNextReleaseToPublish() throws Exception {
        String ns = ApolloTesting.namespace();
        try (ReleaseFaults faults = new ReleaseFaults(APOLLO.portalUrl());
             Repository failing = new ApolloRepositoryProvider().create(ApolloTesting.config(APOLLO, ns)
                     .property("portalUrl", faults.url()).build());
             Repository other = ApolloTesting.open(APOLLO, ns)) {
            failing.put("/k", "v1");
            String released = ApolloTesting.portalValue(APOLLO, "/" + ns + "/k");

            faults.mode(ReleaseFaults.Mode.REFUSE_RELEASE);
            GovernanceException e = assertThrows(GovernanceException.class, () -> failing.put("/k", "v2"));
            assertEquals(ErrorCode.UNAVAILABLE, e.code(), e.getMessage());
            assertThrows(GovernanceException.class, () -> failing.put("/new", "n"));
            assertEquals(released, ApolloTesting.portalValue(APOLLO, "/" + ns + "/k"), "the edit was put back");
            assertNull(ApolloTesting.portalValue(APOLLO, "/" + ns + "/new"), "the new item was removed");

            other.put("/other", "o"); // releases the namespace
            assertEquals("v1", other.get("/k").orElseThrow().value());
            assertEquals(Optional.empty(), other.get("/new"));
            assertEquals("v1", failing.get("/k").orElseThrow().value());
        }
    }

    /** A release made whose answer was lost: the repository reads the latest release and finds its write there. */
    @Test
    void aReleaseWhoseAnswerIsLostIsResolvedFromTheLatestRelease() throws Exception {
        String ns = ApolloTesting.namespace();
        try (ReleaseFaults faults = new ReleaseFaults(APOLLO.portalUrl());
             Repository repo = new ApolloRepositoryProvider().create(ApolloTesting.config(APOLLO, ns)
                     .property("portalUrl", faults.url()).build())) {
            faults.mode(ReleaseFaults.Mode.LOSE_RELEASE_ANSWER);
            repo.put("/k", "made");
            assertEquals("made", repo.get("/k").orElseThrow().value());
        }
    }

    @Test
    void wrongTokenFailsAtOpenUnauthenticatedAndIsNeverShown() {
        String wrong = "wrong-token-77c1";
        GovernanceException e = assertThrows(GovernanceException.class, () -> new ApolloRepositoryProvider().create(
                ApolloTesting.config(APOLLO, ApolloTesting.namespace()).property("token", wrong).build()));
        assertEquals(ErrorCode.UNAUTHENTICATED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("apollo"), e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(wrong), "token leaked: " + t);
            assertFalse(String.valueOf(t.getMessage()).contains(APOLLO.token()), "token leaked: " + t);
        }
    }

    /** The default environment DEV on a server that serves only LOCAL: fail at open, naming what the server has. */
    @Test
    void anEnvironmentThePortalDoesNotServeFailsAtOpenNamingTheOnesItHas() {
        GovernanceException e = assertThrows(GovernanceException.class, () -> new ApolloRepositoryProvider().create(
                ApolloTesting.config(APOLLO, ApolloTesting.namespace()).property("env", "DEV").build()));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("'DEV'") && e.getMessage().contains("LOCAL"), e.getMessage());
    }

    /**
     * A namespace never released: the config service has nothing for it. A writable repository
     * releases it once when it opens; a read-only one fails saying what to do.
     */
    @Test
    void aNamespaceNeverReleasedIsReleasedOnceByAWritableRepository() {
        String readOnlyApp = "fresh-" + UUID.randomUUID().toString().substring(0, 8);
        APOLLO.createApp(readOnlyApp);
        GovernanceException e = assertThrows(GovernanceException.class, () -> new ApolloRepositoryProvider().create(
                ApolloTesting.readOnly(APOLLO, "").property("appId", readOnlyApp).build()));
        assertEquals(ErrorCode.CONNECT_FAILED, e.code());
        assertTrue(e.getMessage().contains("release it once"), e.getMessage());

        String app = "fresh-" + UUID.randomUUID().toString().substring(0, 8);
        APOLLO.createApp(app);
        try (Repository repo = new ApolloRepositoryProvider().create(ApolloTesting.config(APOLLO, "")
                .property("appId", app).build())) {
            assertEquals(List.of(), repo.children("/"));
        }
        OpenReleaseDTO first = ApolloTesting.client(APOLLO).getLatestActiveRelease(app, APOLLO.env(), "default",
                ApolloTesting.NAMESPACE_NAME);
        assertNotNull(first, "released once");
        assertEquals(0, first.getConfigurations().size());
    }

    @Test
    void repositoryWithoutPortalIsReadOnly() {
        try (Repository repo = new ApolloRepositoryProvider().create(
                ApolloTesting.readOnly(APOLLO, ApolloTesting.namespace()).build())) {
            GovernanceException e = assertThrows(GovernanceException.class, () -> repo.put("/a", "1"));
            assertEquals(ErrorCode.PERMISSION_DENIED, e.code());
        }
    }

    @Test
    void keyLongerThanThePortalAcceptsIsStoredUnderAHashedItemKey() {
        String ns = ApolloTesting.namespace();
        try (Repository writer = ApolloTesting.open(APOLLO, ns);
             Repository reader = ApolloTesting.open(APOLLO, ns)) {
            // the real portal refuses item keys over 128 characters (item.key.length.limit)
            String key = "/" + "k".repeat(128) + "/" + "l".repeat(20);
            writer.put(key, "long");

            Await.until("reader sees the long key", () -> reader.get(key).isPresent());
            assertEquals("long", reader.get(key).get().value());
            assertEquals(List.of("l".repeat(20)), reader.children("/" + "k".repeat(128)));
            writer.delete("/" + "k".repeat(128));
            assertFalse(writer.get(key).isPresent());
        }
    }

    @Test
    void closedRepositoryRefusesOperations() {
        Repository repo = new ApolloRepositoryProvider().create(ApolloTesting.readOnly(APOLLO, "closed").build());
        repo.close();
        repo.close();
        GovernanceException e = assertThrows(GovernanceException.class, () -> repo.get("/a"));
        assertEquals(ErrorCode.CLOSED, e.code());
        Await.until("watch thread gone", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("governor-closed-watch")));
    }

    private static void assertEvent(ChangeEvent e, ChangeEvent.Type type, String key, String value) {
        assertNotNull(e, "no " + type + " event for " + key);
        assertEquals(type, e.type());
        assertEquals(key, e.key());
        assertEquals(value, e.value());
    }
}
