package io.governor.repository.apollo;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Capability;
import io.governor.api.repository.RepositoryConfig;
import io.governor.api.repository.RegistryRepositoryProvider;
import io.governor.api.repository.RepositoryProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ServiceLoader;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApolloSettingsTest {

    @Test
    void defaultsApplyWhenOnlyTheAppIdIsSet() {
        ApolloSettings s = new ApolloSettings(RepositoryConfig.builder("apollo").property("appId", "orders").build());
        assertEquals("orders", s.appId);
        assertEquals("default", s.cluster);
        assertEquals("application", s.namespaceName);
        assertEquals("DEV", s.env);
        assertEquals("apollo", s.operator);
        assertEquals(Duration.ofSeconds(1), s.connectTimeout);
        assertEquals(Duration.ofSeconds(5), s.readTimeout);
        assertEquals(Duration.ofSeconds(10), s.syncTimeout);
        assertEquals(16_384, s.maxValueBytes);
        assertEquals(128, s.maxItemKeyLength);
        assertFalse(s.writable());
    }

    @Test
    void unknownPropertyIsRejectedByName() {
        GovernanceException e = assertThrows(GovernanceException.class, () -> new ApolloSettings(RepositoryConfig
                .builder("apollo").property("appId", "orders").property("apolloNamespace", "x").build()));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().contains("apolloNamespace"), e.getMessage());
    }

    @Test
    void appIdIsRequired() {
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> new ApolloSettings(RepositoryConfig.builder("apollo").build()));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().contains("appId"), e.getMessage());
    }

    @Test
    void portalUrlWithoutTokenIsRejected() {
        GovernanceException e = assertThrows(GovernanceException.class, () -> new ApolloSettings(RepositoryConfig
                .builder("apollo").property("appId", "orders").property("portalUrl", "http://portal").build()));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
    }

    @Test
    void tokenNeverAppearsInDescriptions() {
        ApolloSettings s = new ApolloSettings(RepositoryConfig.builder("apollo").property("appId", "orders")
                .property("portalUrl", "http://portal").property("token", "s3cr3t-token").build());
        assertFalse(s.toString().contains("s3cr3t-token"));
        assertFalse(s.where().contains("s3cr3t-token"));
    }

    @Test
    void serviceLoaderFindsTheProviderWithConfigCenterCapabilitiesOnly() { // a commit is one release: TRANSACTION
        RepositoryProvider found = ServiceLoader.load(RepositoryProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.type().equals("apollo")).findFirst().orElseThrow();
        assertFalse(found instanceof RegistryRepositoryProvider, "a config center only");
        assertEquals(Set.of(Capability.TRANSACTION), ApolloRepository.CAPABILITIES);
    }
}
