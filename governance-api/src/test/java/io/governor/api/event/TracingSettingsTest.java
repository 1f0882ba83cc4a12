package io.governor.api.event;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TracingSettingsTest {

    private static TracingSettings settings(boolean capture, int maxStatement, int maxParameters) {
        return new TracingSettings("test listener", true, capture, maxStatement, maxParameters, 4, true);
    }

    @Test
    void statementTextIsCutOrLeftOut() {
        assertEquals("sel", settings(false, 3, 0).statementText("select 1"));
        assertNull(settings(false, 0, 0).statementText("select 1"), "0 leaves the text out");
        assertNull(settings(false, 3, 0).statementText(null));
    }

    @Test
    void parametersAreRecordedOnlyWhenAskedAndAtMostTheLimit() {
        List<Object> three = List.of(1, 2, 3);
        assertEquals(0, settings(false, 10, 8).parametersToRecord(three));
        assertEquals(2, settings(true, 10, 2).parametersToRecord(three));
        assertEquals(3, settings(true, 10, 8).parametersToRecord(three));
        assertEquals("abcd", settings(true, 10, 8).parameterText("abcdef"));
    }

    @Test
    void invalidLengthIsRejectedNamingTheListener() {
        GovernanceException e = assertThrows(GovernanceException.class, () -> settings(false, -1, 0));
        assertEquals(ErrorCode.INVALID_CONFIG, e.code());
        assertTrue(e.getMessage().startsWith("test listener: maxStatementLength"), e.getMessage());
    }
}
