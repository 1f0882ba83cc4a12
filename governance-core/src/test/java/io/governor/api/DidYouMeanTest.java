package io.governor.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DidYouMeanTest {

    @Test
    void suggestsTheClosestKnownNameForATypo() {
        assertEquals("; did you mean 'sessionTimeout'?",
                DidYouMean.suggest("sessionTimout", List.of("connectionTimeout", "sessionTimeout", "digest")));
        assertEquals("zookeeper", DidYouMean.closest("zookeper", List.of("etcd", "zookeeper", "memory")));
        assertEquals("maximumPoolSize", DidYouMean.closest("maximumPoolSise", List.of("minimumIdle", "maximumPoolSize")));
        assertEquals("etcd", DidYouMean.closest("ETCD", List.of("etcd")), "case is ignored");
        assertEquals("jdbcUrl", DidYouMean.closest("jdbcUlr", List.of("jdbcUrl", "username")), "a swap counts one");
    }

    @Test
    void suggestsNothingWhenNothingIsClose() {
        assertEquals("", DidYouMean.suggest("password", List.of("namespace", "serverLists")));
        assertNull(DidYouMean.closest("ab", List.of("xy")));
        assertNull(DidYouMean.closest("", List.of("a")));
    }
}
