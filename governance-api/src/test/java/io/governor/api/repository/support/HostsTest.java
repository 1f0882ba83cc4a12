package io.governor.api.repository.support;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostsTest {

    @Test
    void hostOfEachServerForm() {
        assertEquals("zk1", Hosts.host("zk1:2181"));
        assertEquals("zk1", Hosts.host("zk1"));
        assertEquals("::1", Hosts.host("[::1]:2181"));
    }

    @Test
    void failsOnlyWhenNoHostResolves() {
        assertEquals(List.of(), Hosts.requireResolvable(List.of("127.0.0.1"), "connect"));
        assertEquals(List.of("no.such.host.invalid"),
                Hosts.requireResolvable(List.of("127.0.0.1", "no.such.host.invalid"), "connect"));
        GovernanceException e = assertThrows(GovernanceException.class,
                () -> Hosts.requireResolvable(List.of("no.such.host.invalid"), "connect to x"));
        assertEquals(ErrorCode.CONNECT_FAILED, e.code());
        assertTrue(e.getMessage().startsWith("connect to x: cannot resolve host 'no.such.host.invalid'"), e.getMessage());
    }
}
