package io.governor.repository.apollo;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How {@code serverLists} meets the JVM-wide Apollo client settings ({@code apollo.meta}, {@code apollo.config-service}). */
class MetaServerTest {

    private static final String META = "apollo.meta";
    private static final String CONFIG_SERVICE = "apollo.config-service";
    private String meta;
    private String configService;

    @BeforeEach
    void saveProperties() {
        meta = System.getProperty(META);
        configService = System.getProperty(CONFIG_SERVICE);
        System.clearProperty(META);
        System.clearProperty(CONFIG_SERVICE);
    }

    @AfterEach
    void restoreProperties() {
        restore(META, meta);
        restore(CONFIG_SERVICE, configService);
    }

    @Test
    void anEmptyConfigServicePropertyCountsAsUnset() {
        System.setProperty(CONFIG_SERVICE, "");
        System.setProperty(META, " ");
        ApolloRepositoryProvider.applyMetaServer("http://127.0.0.1:8080");
        assertEquals("http://127.0.0.1:8080", System.getProperty(META));
    }

    @Test
    void aDifferentAddressAlreadySetIsRejected() {
        System.setProperty(CONFIG_SERVICE, "http://other:8080");
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> ApolloRepositoryProvider.applyMetaServer("http://127.0.0.1:8080"));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
    }

    @Test
    void theSameAddressOrAnEmptyServerListIsAccepted() {
        System.setProperty(CONFIG_SERVICE, "http://127.0.0.1:8080");
        ApolloRepositoryProvider.applyMetaServer("http://127.0.0.1:8080");
        ApolloRepositoryProvider.applyMetaServer("");
        assertEquals(null, System.getProperty(META));
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
