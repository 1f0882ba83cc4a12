package io.governor.repository.etcd;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.RepositoryConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EtcdSettingsTest {

    private static RepositoryConfig.Builder config(String servers) {
        return RepositoryConfig.builder("etcd").serverLists(servers).namespace("app");
    }

    private static GovernanceException invalid(RepositoryConfig.Builder b) {
        GovernanceException e = assertThrows(GovernanceException.class, () -> EtcdSettings.from(b.build()));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code(), e::toString);
        return e;
    }

    @Test
    void defaultsApplyWhenNoPropertyIsSet() {
        EtcdSettings s = EtcdSettings.from(config("http://10.0.0.1:2379").build());
        assertEquals(List.of(URI.create("http://10.0.0.1:2379")), s.endpoints());
        assertEquals(Duration.ofSeconds(5), s.connectTimeout());
        assertEquals(Duration.ofSeconds(5), s.requestTimeout());
        assertEquals(Duration.ofSeconds(10), s.leaseTtl());
        assertEquals(1536 * 1024, s.maxRequestBytes());
        assertTrue(s.maxValueBytes() < s.maxRequestBytes(), "room is kept for key and framing");
        assertEquals(128, s.maxTxnOps());
        assertNull(s.user());
        assertFalse(s.tls());
    }

    @Test
    void endpointsWithoutSchemeAreHttpAndSeveralAreAccepted() {
        EtcdSettings s = EtcdSettings.from(config("127.0.0.1:2379, 127.0.0.2:2379").build());
        assertEquals(List.of(URI.create("http://127.0.0.1:2379"), URI.create("http://127.0.0.2:2379")), s.endpoints());
    }

    @Test
    void unknownPropertyIsRejectedByName() {
        GovernanceException e = invalid(config("http://h:2379").property("leaseTTL", "3s"));
        assertTrue(e.getMessage().contains("leaseTTL"), e::getMessage);
        assertTrue(e.getMessage().contains("leaseTtl"), () -> "lists the known properties: " + e.getMessage());
    }

    @Test
    void maxTxnOpsFollowsTheServersSettingAndHasAFloor() {
        assertEquals(1024, EtcdSettings.from(config("http://h:2379").property("maxTxnOps", "1024").build()).maxTxnOps());
        GovernanceException e = invalid(config("http://h:2379").property("maxTxnOps", "2"));
        assertTrue(e.getMessage().contains("maxTxnOps"), e::getMessage);
    }

    @Test
    void leaseTtlIsRoundedUpToWholeSecondsAndAtLeastOneSecond() {
        assertEquals(Duration.ofSeconds(3), EtcdSettings.from(config("http://h:2379").property("leaseTtl", "2500ms").build()).leaseTtl());
        invalid(config("http://h:2379").property("leaseTtl", "500ms"));
    }

    @Test
    void badValuesAreRejected() {
        invalid(config(""));
        invalid(config("ftp://h:2379"));
        invalid(config("http://h"));
        invalid(config("http://a:2379,https://b:2379"));
        invalid(config("http://h:2379").property("requestTimeout", "0s"));
        invalid(config("http://h:2379").property("connectTimeout", "soon"));
        invalid(config("http://h:2379").property("maxRequestBytes", "100"));
        invalid(config("http://h:2379").property("user", "app"));
        invalid(config("http://h:2379").property("tlsCaFile", "/no/such/ca.pem"));
    }

    @Test
    void passwordNeverAppearsInTextOrErrors() {
        EtcdSettings s = EtcdSettings.from(config("http://h:2379").property("user", "app").property("password", "s3cr3t-pw").build());
        assertEquals("app", s.user());
        assertFalse(s.toString().contains("s3cr3t-pw"), s::toString);
        GovernanceException e = invalid(config("http://h:2379").property("password", "s3cr3t-pw"));
        assertFalse(e.getMessage().contains("s3cr3t-pw"), e::getMessage);
    }

    @Test
    void httpsEndpointsTurnOnTls() {
        assertTrue(EtcdSettings.from(config("https://h:2379").build()).tls());
    }
}
