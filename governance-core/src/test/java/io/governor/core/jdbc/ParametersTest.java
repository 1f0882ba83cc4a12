package io.governor.core.jdbc;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The bind parameters a prepared statement reports to listeners. */
class ParametersTest {

    @Test
    void setValuesAreReportedByIndexWithGapsAsNull() {
        Parameters p = new Parameters();
        p.set(1, "a");
        p.set(3, 7);
        assertEquals(Arrays.asList("a", null, 7), p.snapshot());
    }

    @Test
    void clearForgetsEverySetValue() {
        Parameters p = new Parameters();
        p.set(2, "b");
        p.clear();
        assertSame(List.of(), p.snapshot());
        p.set(1, "c");
        assertEquals(List.of("c"), p.snapshot());
    }

    @Test
    void snapshotDoesNotChangeWithLaterSets() {
        Parameters p = new Parameters();
        p.set(1, "a");
        List<Object> before = p.snapshot();
        p.set(1, "b");
        assertEquals(List.of("a"), before);
        assertThrows(UnsupportedOperationException.class, () -> before.set(0, "x"));
    }

    @Test
    void ignoredRecordsNothing() {
        Parameters.IGNORED.set(1, "a");
        Parameters.IGNORED.clear();
        assertSame(List.of(), Parameters.IGNORED.snapshot());
    }

    @Test
    void indexBelowOneIsIgnored() {
        Parameters p = new Parameters();
        p.set(0, "a");
        assertSame(List.of(), p.snapshot());
    }
}
