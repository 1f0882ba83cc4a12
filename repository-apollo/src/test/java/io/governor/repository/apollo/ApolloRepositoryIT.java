package io.governor.repository.apollo;

import com.ctrip.framework.apollo.build.ApolloInjector;
import com.ctrip.framework.apollo.core.ApolloClientSystemConsts;
import com.ctrip.framework.apollo.internals.ConfigServiceLocator;
import com.ctrip.framework.apollo.mockserver.ApolloTestingServer;
import com.ctrip.framework.apollo.mockserver.MockApolloExtension;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.api.repository.VersionedValue;
import io.governor.test.Await;
import io.governor.test.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.reflect.Method;
import java.net.URI;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Apollo repository against apollo-mockserver (reads, notifications) and the in-test OpenAPI
 * stand-in feeding the same mock server (writes).
 */
@ExtendWith(MockApolloExtension.class)
class ApolloRepositoryIT {

    private static final String TOKEN = "stand-in-token-3f9a";
    private static final long EVENT_TIMEOUT_SECONDS = 15;

    @Test
    void writeThroughPortalIsSeenByAnotherRepositoryThroughTheClient(ApolloTestingServer apollo) throws Exception {
        String ns = namespace();
        try (OpenApiStandIn portal = new OpenApiStandIn(apollo, TOKEN);
             Repository writer = open(ns, portal, TOKEN);
             Repository reader = open(ns, portal, TOKEN)) {
            writer.put("/config/databases/orders/rules", "- !READWRITE_SPLITTING");

            Await.until("reader sees the write", () -> reader.get("/config/databases/orders/rules").isPresent());
            assertEquals("- !READWRITE_SPLITTING", reader.get("/config/databases/orders/rules").get().value());
            assertEquals(List.of("orders"), reader.children("/config/databases"));
            assertEquals(List.of("config"), reader.children("/"));
        }
    }

    @Test
    void putIsVisibleToTheWriterWhenItReturns(ApolloTestingServer apollo) throws Exception {
        try (OpenApiStandIn portal = new OpenApiStandIn(apollo, TOKEN);
             Repository repo = open(namespace(), portal, TOKEN)) {
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
    void watchTranslatesApolloChangesIntoEventsOnTheRepositoryThread(ApolloTestingServer apollo) throws Exception {
        String ns = namespace();
        BlockingQueue<ChangeEvent> events = new LinkedBlockingQueue<>();
        BlockingQueue<String> threads = new LinkedBlockingQueue<>();
        try (Repository repo = open(ns, null, null)) {
            repo.watch("/config", e -> {
                events.add(e);
                threads.add(Thread.currentThread().getName());
            });
            String item = "/" + ns + "/config/props";

            apollo.addOrModifyProperty("application", item, "a: 1");
            assertEvent(events.poll(EVENT_TIMEOUT_SECONDS, TimeUnit.SECONDS), ChangeEvent.Type.ADDED, "/config/props", "a: 1");
            apollo.addOrModifyProperty("application", item, "a: 2");
            assertEvent(events.poll(EVENT_TIMEOUT_SECONDS, TimeUnit.SECONDS), ChangeEvent.Type.UPDATED, "/config/props", "a: 2");
            apollo.deleteProperty("application", item);
            assertEvent(events.poll(EVENT_TIMEOUT_SECONDS, TimeUnit.SECONDS), ChangeEvent.Type.DELETED, "/config/props", "a: 2");

            assertEquals("governor-" + ns + "-watch", threads.take());
            assertFalse(repo.get("/config/props").isPresent());
        }
    }

    /**
     * The config service becomes unreachable (a proxy in front of it cuts every connection), keys
     * change meanwhile, and the service comes back at the same address: the Apollo client finds it
     * again on its own (its long polling retries with a backoff) and the watch then emits what it
     * missed, deletions included. Restarting the mock server instead would reset the Apollo client's
     * JVM-wide state under the repository, which no real outage does.
     */
    @Test
    void watchCatchesUpWithChangesMadeWhileTheConfigServiceWasDown(ApolloTestingServer apollo) throws Exception {
        String ns = namespace();
        BlockingQueue<ChangeEvent> events = new LinkedBlockingQueue<>();
        URI service = URI.create(System.getProperty(ApolloClientSystemConsts.APOLLO_CONFIG_SERVICE));
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", service.getPort())) {
            useConfigService("http://" + proxy.address());
            try (Repository repo = open(ns, null, null)) {
                apollo.addOrModifyProperty("application", "/" + ns + "/w/kept", StoredValue.encode("before", 1, null));
                apollo.addOrModifyProperty("application", "/" + ns + "/w/gone", StoredValue.encode("before", 1, null));
                Await.until("both keys visible", () -> repo.children("/w").size() == 2);
                repo.watch("/w", events::add);

                int before = proxy.accepted();
                proxy.cut();
                Await.until(Duration.ofSeconds(30), "the client retrying the unreachable config service",
                        () -> proxy.accepted() - before >= 2);
                apollo.addOrModifyProperty("application", "/" + ns + "/w/kept", StoredValue.encode("after", 2, null));
                apollo.deleteProperty("application", "/" + ns + "/w/gone");
                proxy.restore();

                Await.until(Duration.ofSeconds(60), "watch caught up", () -> events.stream().anyMatch(e ->
                        e.type() == ChangeEvent.Type.UPDATED && e.key().equals("/w/kept") && e.value().equals("after")
                        && e.version() == 2)
                        && events.stream().anyMatch(e -> e.type() == ChangeEvent.Type.DELETED && e.key().equals("/w/gone")));
                assertEquals(List.of("kept"), repo.children("/w"));
            } finally {
                useConfigService(service.toString());
            }
        }
    }

    /** Points the JVM-wide Apollo client at {@code url} (the locator caches the address; refresh it). */
    private static void useConfigService(String url) throws Exception {
        System.setProperty(ApolloClientSystemConsts.APOLLO_CONFIG_SERVICE, url);
        Method refresh = ConfigServiceLocator.class.getDeclaredMethod("initConfigServices");
        refresh.setAccessible(true);
        refresh.invoke(ApolloInjector.getInstance(ConfigServiceLocator.class));
    }

    @Test
    void itemsThatAreNoRepositoryKeysAreIgnored(ApolloTestingServer apollo) throws Exception {
        try (Repository root = openRoot()) {
            // mockdata-application.properties seeds "timeout=100", which is no key of the path grammar
            assertFalse(root.children("/").contains("timeout"));
            assertEquals(Optional.empty(), root.get("/timeout"));
        }
    }

    @Test
    void deleteRemovesTheKeyAndEveryDescendantButNotSiblings(ApolloTestingServer apollo) throws Exception {
        try (OpenApiStandIn portal = new OpenApiStandIn(apollo, TOKEN);
             Repository repo = open(namespace(), portal, TOKEN)) {
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

    @Test
    void compareAndSetComparesWithThePortalBeforeWriting(ApolloTestingServer apollo) throws Exception {
        try (OpenApiStandIn portal = new OpenApiStandIn(apollo, TOKEN);
             Repository repo = open(namespace(), portal, TOKEN)) {
            assertTrue(repo.compareAndSet("/counter", null, "1"), "absent: created");
            assertFalse(repo.compareAndSet("/counter", null, "x"), "present: not created again");
            assertFalse(repo.compareAndSet("/counter", "0", "2"), "mismatch: unchanged");
            assertEquals("1", repo.get("/counter").orElseThrow().value());
            assertTrue(repo.compareAndSet("/counter", "1", "2"), "match: replaced");
            assertEquals("2", repo.get("/counter").orElseThrow().value());
        }
    }

    @Test
    void wrongTokenIsUnauthenticatedAndNeverShown(ApolloTestingServer apollo) throws Exception {
        String wrong = "wrong-token-77c1";
        try (OpenApiStandIn portal = new OpenApiStandIn(apollo, TOKEN);
             Repository repo = open(namespace(), portal, wrong)) {
            GovernanceException e = assertThrows(GovernanceException.class, () -> repo.put("/a", "1"));
            assertEquals(ErrorCode.UNAUTHENTICATED, e.code());
            assertTrue(e.getMessage().contains("'/a'") && e.getMessage().contains("apollo"), e.getMessage());
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertFalse(String.valueOf(t.getMessage()).contains(wrong), "token leaked: " + t);
            }
        }
    }

    @Test
    void repositoryWithoutPortalIsReadOnly(ApolloTestingServer apollo) throws Exception {
        try (Repository repo = open(namespace(), null, null)) {
            GovernanceException e = assertThrows(GovernanceException.class, () -> repo.put("/a", "1"));
            assertEquals(ErrorCode.PERMISSION_DENIED, e.code());
        }
    }

    @Test
    void keyLongerThanThePortalAcceptsIsStoredUnderAHashedItemKey(ApolloTestingServer apollo) throws Exception {
        String ns = namespace();
        try (OpenApiStandIn portal = new OpenApiStandIn(apollo, TOKEN);
             Repository writer = open(ns, portal, TOKEN);
             Repository reader = open(ns, portal, TOKEN)) {
            // the stand-in refuses item keys over 128 characters, like the portal's default item.key.length.limit
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
    void closedRepositoryRefusesOperations(ApolloTestingServer apollo) throws Exception {
        Repository repo = open(namespace(), null, null);
        repo.close();
        repo.close();
        GovernanceException e = assertThrows(GovernanceException.class, () -> repo.get("/a"));
        assertEquals(ErrorCode.CLOSED, e.code());
        Await.until("watch thread gone", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("governor-") && t.getName().endsWith("-watch")));
    }

    private static void assertEvent(ChangeEvent e, ChangeEvent.Type type, String key, String value) {
        assertNotNull(e, "no " + type + " event for " + key);
        assertEquals(type, e.type());
        assertEquals(key, e.key());
        assertEquals(value, e.value());
    }

    static String namespace() {
        return "ns-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Repository open(String namespace, OpenApiStandIn portal, String token) {
        RepositoryConfig.Builder b = RepositoryConfig.builder("apollo").namespace(namespace)
                .property("appId", "governor-test");
        if (portal != null) {
            b.property("portalUrl", portal.url()).property("token", token);
        }
        return new ApolloRepositoryProvider().create(b.build());
    }

    private static Repository openRoot() {
        return new ApolloRepositoryProvider().create(RepositoryConfig.builder("apollo")
                .property("appId", "governor-test").build());
    }
}
