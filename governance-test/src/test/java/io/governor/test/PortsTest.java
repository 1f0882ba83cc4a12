package io.governor.test;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortsTest {

    @Test
    void portsAreDistinctBindableAndOutsideTheEphemeralRange() throws Exception {
        int[] ephemeral = Ports.ephemeralRange();
        Set<Integer> seen = new HashSet<>();
        for (int round = 0; round < 5; round++) {
            for (int port : Ports.reserve(9)) {
                assertTrue(seen.add(port), "handed out twice: " + port);
                assertTrue(port < ephemeral[0] || port > ephemeral[1],
                        port + " is inside the ephemeral range " + ephemeral[0] + "-" + ephemeral[1]);
                assertTrue(port >= 1024 && port <= 65_535, "port " + port);
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(new InetSocketAddress(port));
                }
            }
        }
    }

    @Test
    void aPortHeldBySomeoneElseIsSkipped() throws Exception {
        int held = Ports.nextCandidate();
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(held));
            int next = Ports.reserve(1)[0];
            assertNotEquals(held, next, "a port that is bound must not be handed out");
        }
    }

    @Test
    void zeroPortsIsAnEmptyArrayAndANegativeCountIsRefused() {
        assertEquals(0, Ports.reserve(0).length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ports.reserve(-1));
        assertFalse(e.getMessage().isEmpty());
    }

    @Test
    void theEphemeralRangeIsReadOrDefaulted() {
        int[] range = Ports.ephemeralRange();
        assertTrue(range[0] > 0 && range[0] <= range[1] && range[1] <= 65_535,
                range[0] + "-" + range[1]);
    }
}
