package io.governor.api.repository;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The property checks that repository settings share. */
class RepositoryConfigTest {

    private static RepositoryConfig.Builder demo() {
        return RepositoryConfig.builder("demo").serverLists("h:1");
    }

    private static String invalid(Executable call) {
        GovernanceException e = assertThrows(GovernanceException.class, call);
        assertEquals(ErrorCode.INVALID_CONFIG, e.code(), e::toString);
        return e.getMessage();
    }

    @Test
    void requiredPropertyNamesTheMissingPropertyAndTheType() {
        assertEquals("x", demo().property("appId", " x ").build().requiredProperty("appId"));
        String message = invalid(() -> demo().property("appId", " ").build().requiredProperty("appId"));
        assertEquals("property 'appId' is required for demo repository", message);
    }

    @Test
    void durationsOutOfRangeAreRefusedAndTheDefaultIsUsedWhenUnset() {
        Duration min = Duration.ofMillis(1);
        RepositoryConfig config = demo().property("t", "0s").property("big", "2h").property("ok", "5s").build();
        assertEquals(Duration.ofSeconds(7), config.durationProperty("unset", Duration.ofSeconds(7), min, null));
        assertEquals(Duration.ofSeconds(5), config.durationProperty("ok", null, min, Duration.ofSeconds(5)));
        assertEquals("property 't' of demo repository must be at least 1ms, got 0ms",
                invalid(() -> config.durationProperty("t", null, min, null)));
        assertEquals("property 'big' of demo repository must be between 1ms and 3600000ms, got 7200000ms",
                invalid(() -> config.durationProperty("big", null, min, Duration.ofHours(1))));
    }

    @Test
    void integersOutOfRangeAreRefused() {
        RepositoryConfig config = demo().property("n", "30").build();
        assertEquals(30, config.intProperty("n", 3, 0, 30));
        assertEquals(3, config.intProperty("unset", 3, 0, 29));
        assertEquals("property 'n' of demo repository must be between 0 and 29, got 30",
                invalid(() -> config.intProperty("n", 3, 0, 29)));
        assertEquals("property 'n' of demo repository must be at least 31, got 30",
                invalid(() -> config.intProperty("n", 3, 31, Integer.MAX_VALUE)));
    }

    @Test
    void anErrorAboutAPropertyNamesWhereItWasWritten() {
        RepositoryConfig config = demo().property("n", "0").origin("n", "governor.yaml: line 4").build();
        assertTrue(invalid(() -> config.intProperty("n", 1, 1, 9)).startsWith("governor.yaml: line 4: property 'n'"));
        assertEquals("governor.yaml: line 4: bad", config.invalidProperty("n", "bad").getMessage());
    }

    @Test
    void pairedPropertiesGoTogetherAndTheMessageShowsNoValue() {
        assertDoesNotThrow(() -> demo().build().requireTogether("user", "password", null));
        assertDoesNotThrow(() -> demo().property("user", "u").property("password", "p").build()
                .requireTogether("user", "password", null));
        String message = invalid(() -> demo().property("password", "s3cr3t").build().requireTogether("user", "password", null));
        assertEquals("properties 'user' and 'password' of demo repository go together: set both or neither", message);
        assertFalse(message.contains("s3cr3t"));
        assertTrue(invalid(() -> demo().property("user", "u").property("password", " ").build()
                .requireTogether("user", "password", "set both to log in")).endsWith(": set both to log in"));
    }

    @Test
    void anEmptyServerListIsRefusedWithAnExample() {
        assertEquals("h:1", demo().build().requireServerLists("h:1"));
        assertEquals("serverLists of demo repository must name at least one server, e.g. 127.0.0.1:2181",
                invalid(() -> RepositoryConfig.builder("demo").build().requireServerLists("127.0.0.1:2181")));
    }

    @Test
    void isKeyTellsLegalKeysFromIllegalOnesAndTheRoot() {
        assertTrue(Paths.isKey("/a/b"));
        for (String bad : new String[] {"/", "", "a", "/a/", null}) {
            assertFalse(Paths.isKey(bad), bad);
        }
    }

    @Test
    void readerRejectsAPropertyItNeverReadBeforeAnyInvalidValue() {
        RepositoryConfig config = demo().property("timeOut", "5s").property("size", "0").build();
        RepositoryConfig.Reader r = config.reader();
        assertEquals(3, r.integer("size", 3, 1, 9), "an invalid value reads as the default until done()");
        assertEquals(Duration.ofSeconds(1), r.duration("timeout", Duration.ofSeconds(1), Duration.ofMillis(1), null));
        String message = invalid(r::done);
        assertTrue(message.contains("unknown property 'timeOut'") && message.contains("did you mean 'timeout'?"), message);
    }

    @Test
    void readerReportsTheFirstInvalidValueOnceEveryPropertyIsKnown() {
        RepositoryConfig config = demo().property("size", "0").property("user", "u").property("password", "s3cr3t ")
                .property("port", "x").build();
        RepositoryConfig.Reader r = config.reader();
        r.integer("size", 3, 1, 9);
        r.integer("port", 1, 1, 9);
        r.together("user", "password", null);
        assertEquals("u", r.string("user", null));
        assertEquals("s3cr3t ", r.secret("password"), "a secret is read as written");
        assertEquals("property 'size' of demo repository must be between 1 and 9, got 0", invalid(r::done));
    }

    @Test
    void readerAcceptsWhatItRead() {
        RepositoryConfig.Reader r = demo().property("appId", "a").property("portalUrl", "p").property("token", "t")
                .build().reader();
        assertEquals("a", r.required("appId"));
        r.together("portalUrl", "token", null);
        assertDoesNotThrow(r::done);
        RepositoryConfig.Reader missing = demo().build().reader();
        missing.required("appId");
        assertEquals("property 'appId' is required for demo repository", invalid(missing::done));
    }
}
