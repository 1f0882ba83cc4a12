package io.governor.repository.nacos;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.test.Await;
import io.governor.test.nacos.NacosServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Credentials on a real Nacos server of its own with authentication on: the admin user {@code nacos}
 * gets its password through the server's admin initialisation API, then the repository logs in.
 */
class NacosAuthIT {

    private static final String USER = "nacos";
    private static final String PASSWORD = "right-pw-41";

    @RegisterExtension
    static final NacosServer NACOS = NacosServer.dedicated().jvmArgs(
            "-Dnacos.core.auth.enabled=true",
            "-Dnacos.core.auth.system.type=nacos",
            "-Dnacos.core.auth.plugin.nacos.token.secret.key="
                    + Base64.getEncoder().encodeToString("governor-test-token-secret-key-0123456789".getBytes(StandardCharsets.UTF_8)),
            "-Dnacos.core.auth.server.identity.key=governor-test",
            "-Dnacos.core.auth.server.identity.value=governor-test");

    @BeforeAll
    static void initialiseAdmin() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + NACOS.address() + "/nacos/v1/auth/users/admin"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), () -> "admin initialisation answered " + r.statusCode() + ": " + r.body());
        // the server answers gRPC requests from a user cache it reloads every 15 s: "user not found" until then
        Await.until(Duration.ofSeconds(60), "the server knows the new admin user", () -> {
            try (Repository repo = open(NacosRepositoryIT.namespace(), PASSWORD)) {
                return repo.get("/probe").isEmpty();
            }
        });
    }

    @Test
    void credentialsAreUsedAndAWrongPasswordIsUnauthenticatedWithoutShowingIt() {
        String ns = NacosRepositoryIT.namespace();
        try (Repository repo = open(ns, PASSWORD)) {
            repo.put("/k", "v");
            assertEquals("v", repo.get("/k").orElseThrow().value());
        }
        try (Repository repo = open(ns, "wrong-pw-77")) {
            GovernanceException e = assertThrows(GovernanceException.class, () -> repo.get("/k"));
            assertEquals(ErrorCode.UNAUTHENTICATED, e.code(), e::toString);
            GovernanceException w = assertThrows(GovernanceException.class, () -> repo.put("/k", "x"));
            assertEquals(ErrorCode.UNAUTHENTICATED, w.code(), w::toString);
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertFalse(String.valueOf(t.getMessage()).contains("wrong-pw-77"), "password leaked: " + t);
            }
        } catch (GovernanceException e) {
            // the client may already refuse to start without a token
            assertEquals(ErrorCode.UNAUTHENTICATED, e.code(), e::toString);
            assertFalse(e.getMessage().contains("wrong-pw-77"), "password leaked: " + e);
        }
    }

    private static Repository open(String namespace, String password) {
        return new NacosRepositoryProvider().create(RepositoryConfig.builder("nacos").namespace(namespace)
                .serverLists(NACOS.address()).property("username", USER).property("password", password).build());
    }
}
