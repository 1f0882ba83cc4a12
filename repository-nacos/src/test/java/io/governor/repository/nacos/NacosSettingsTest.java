package io.governor.repository.nacos;

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

class NacosSettingsTest {

    private static RepositoryConfig.Builder base() {
        return RepositoryConfig.builder("nacos").serverLists("127.0.0.1:8848");
    }

    @Test
    void defaults() {
        NacosSettings s = new NacosSettings(base().build());
        assertEquals("", s.tenant);
        assertEquals("DEFAULT_GROUP", s.group);
        assertEquals(Duration.ofSeconds(3), s.requestTimeout);
        assertEquals(Duration.ofSeconds(10), s.connectTimeout);
        assertEquals(1024 * 1024, s.maxValueBytes);
    }

    @Test
    void unknownPropertyIsRejectedByName() {
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> new NacosSettings(base().property("namespaceId", "x").build()));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().contains("namespaceId"), e.getMessage());
    }

    @Test
    void serverListIsRequiredAndGroupMustBeALegalNacosName() {
        assertEquals(ErrorCode.INVALID_CONFIG, assertThrows(GovernanceException.class,
                () -> new NacosSettings(RepositoryConfig.builder("nacos").build())).code());
        assertEquals(ErrorCode.INVALID_CONFIG, assertThrows(GovernanceException.class,
                () -> new NacosSettings(base().property("group", "a/b").build())).code());
    }

    @Test
    void passwordNeverAppearsInDescriptions() {
        NacosSettings s = new NacosSettings(base().property("username", "nacos").property("password", "pw-s3cr3t").build());
        assertFalse(s.toString().contains("pw-s3cr3t"));
        assertFalse(s.where().contains("pw-s3cr3t"));
    }

    @Test
    void serviceLoaderFindsTheProviderWithConfigCenterCapabilitiesOnly() {
        RepositoryProvider found = ServiceLoader.load(RepositoryProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.type().equals("nacos")).findFirst().orElseThrow();
        assertFalse(found instanceof RegistryRepositoryProvider, "a config center only");
        assertEquals(Set.of(Capability.COMPARE_AND_SET), NacosRepository.CAPABILITIES);
    }
}
