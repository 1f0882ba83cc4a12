package io.governor.core.jdbc;

import io.governor.api.config.DataSourceConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SecretsTest {

    @Test
    void urlPasswordsAreMaskedInQueryPropertiesAndUserInfo() {
        assertEquals("jdbc:postgresql://db:5432/app?user=app&password=******&ssl=true",
                Secrets.maskUrl("jdbc:postgresql://db:5432/app?user=app&password=hunter2&ssl=true"));
        assertEquals("jdbc:h2:tcp://h/x;USER=sa;PASSWORD=******", Secrets.maskUrl("jdbc:h2:tcp://h/x;USER=sa;PASSWORD=pw"));
        assertEquals("jdbc:mysql://app:******@db/app", Secrets.maskUrl("jdbc:mysql://app:hunter2@db/app"));
        assertEquals("jdbc:h2:mem:x", Secrets.maskUrl("jdbc:h2:mem:x"));
        assertNull(Secrets.maskUrl(null));
    }

    @Test
    void driverMessagesLoseTheConfiguredPassword() {
        DataSourceConfig cfg = DataSourceConfig.of("jdbc:h2:mem:x", "sa", "hunter2");
        assertEquals("login failed for sa with ******", Secrets.scrub("login failed for sa with hunter2", cfg));
    }
}
