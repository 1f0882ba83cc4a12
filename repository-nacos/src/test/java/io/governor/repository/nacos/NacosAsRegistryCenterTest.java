package io.governor.repository.nacos;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.Governance;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NacosAsRegistryCenterTest {

    private static RepositoryConfig.Builder base() {
        return RepositoryConfig.builder("nacos").serverLists("127.0.0.1:8848");
    }

    @Test
    void nacosAsRegistryCenterFailsWithCapabilityMissing() {
        GovernanceConfig config = GovernanceConfig.builder("orders")
                .registryCenter(base().build())
                .build();

        GovernanceException e = assertThrows(GovernanceException.class, () -> Governance.builder(config).build());

        assertEquals(ErrorCode.CAPABILITY_MISSING, e.code());
        assertTrue(e.getMessage().contains("nacos") && e.getMessage().contains("registry center")
                && e.getMessage().contains("EPHEMERAL") && e.getMessage().contains("LOCK"), e.getMessage());
    }
}
