package io.governor.repository.apollo;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.Governance;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApolloAsRegistryCenterTest {

    @Test
    void apolloAsRegistryCenterFailsWithCapabilityMissing() {
        GovernanceConfig config = GovernanceConfig.builder("orders")
                .registryCenter(RepositoryConfig.builder("apollo").property("appId", "orders").build())
                .build();

        GovernanceException e = assertThrows(GovernanceException.class, () -> Governance.builder(config).build());

        assertEquals(ErrorCode.CAPABILITY_MISSING, e.code());
        assertTrue(e.getMessage().contains("apollo") && e.getMessage().contains("registry center")
                && e.getMessage().contains("EPHEMERAL") && e.getMessage().contains("LOCK"), e.getMessage());
    }
}
