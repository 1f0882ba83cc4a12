package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.repository.RepositoryConfig;
import io.governor.api.repository.RepositoryProvider;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepositoryLookupTest {

    @Test
    void serviceLoaderFindsTheMemoryProvider() {
        boolean found = ServiceLoader.load(RepositoryProvider.class).stream()
                .anyMatch(p -> p.get().type().equals("memory"));
        assertTrue(found, "memory provider registered under META-INF/services/io.governor.api.repository.RepositoryProvider");
    }

    @Test
    void unknownRepositoryTypeNamesWhatWasFoundAndTheArtifactToAdd() {
        GovernanceException e = TestConfigs.startFails(RepositoryConfig.builder("ETCD").serverLists("http://127.0.0.1:1").build());
        assertEquals(ErrorCode.REPOSITORY_NOT_FOUND, e.code());
        assertEquals("no repository of type 'etcd'; found: configonly, late, memory; add the artifact io.governor:repository-etcd",
                e.getMessage());
    }

    @Test
    void registryCenterWithoutEphemeralAndLockFailsWithCapabilityMissing() {
        GovernanceException e = TestConfigs.startFails(RepositoryConfig.builder("configonly").build());
        assertEquals(ErrorCode.CAPABILITY_MISSING, e.code());
        assertTrue(e.getMessage().contains("'configonly' cannot be the registry center"), e.getMessage());
        assertTrue(e.getMessage().contains("EPHEMERAL") && e.getMessage().contains("LOCK"), e.getMessage());
        assertEquals(0, ConfigOnlyProvider.created.get(), "nothing is connected when a capability is missing");
    }

    /**
     * The config center's type is checked before anything connects (it used to be its capability
     * LIST_CHILDREN, which is gone: every repository lists children): the registry center, a late
     * one that would count an attempt, is not even tried.
     */
    @Test
    void configCenterTypeIsCheckedBeforeAnythingConnects() {
        String store = TestConfigs.newStore();
        LateCenterProvider.refuse(store, 1);
        GovernanceConfig cfg = GovernanceConfig.builder("ns")
                .registryCenter(RepositoryConfig.builder("late").serverLists(store).build())
                .configCenter(RepositoryConfig.builder("configonlee").build()).build();
        GovernanceException e = assertThrows(GovernanceException.class, () -> Governance.builder(cfg).build());
        assertEquals(ErrorCode.REPOSITORY_NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("did you mean 'configonly'"), e.getMessage());
        assertEquals(1, LateCenterProvider.REFUSALS.get(store).get(), "the registry center was not tried");
    }
}
