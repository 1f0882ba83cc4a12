package io.governor.test;

import io.governor.test.RegisterHistory.Kind;
import io.governor.test.RegisterHistory.Outcome;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegisterHistoryTest {

    private final RegisterHistory h = new RegisterHistory("0");

    private void op(int p, Kind kind, String expected, String value, boolean swapped, Outcome outcome) {
        h.record(p, kind, expected, value, swapped, outcome, h.invoke());
    }

    @Test
    void sequentialHistoryOfReadsWritesAndSwapsIsLinearizable() {
        op(1, Kind.READ, null, "0", false, Outcome.OK);
        op(1, Kind.CAS, "0", "a", true, Outcome.OK);
        op(2, Kind.CAS, "0", "b", false, Outcome.OK);
        op(2, Kind.WRITE, null, "c", false, Outcome.OK);
        op(1, Kind.READ, null, "c", false, Outcome.OK);
        assertNull(h.check());
    }

    @Test
    void swapReportedAsFailedWhoseValueIsReadLaterIsNotLinearizable() {
        op(1, Kind.CAS, "0", "a", false, Outcome.OK); // said "not written"...
        op(2, Kind.READ, null, "a", false, Outcome.OK); // ...but it was
        String why = h.check();
        assertNotNull(why);
        assertTrue(why.contains("read -> a"), why);
    }

    @Test
    void writeWithUnknownOutcomeMayHaveTakenEffectLaterOrNever() {
        op(1, Kind.WRITE, null, "a", false, Outcome.UNKNOWN);
        op(2, Kind.READ, null, "0", false, Outcome.OK);
        op(2, Kind.READ, null, "a", false, Outcome.OK);
        assertNull(h.check(), "the unknown write took effect between the reads");
        RegisterHistory never = new RegisterHistory("0");
        never.record(1, Kind.CAS, "0", "a", false, Outcome.UNKNOWN, never.invoke());
        never.record(2, Kind.READ, null, "0", false, Outcome.OK, never.invoke());
        assertNull(never.check(), "the unknown swap never took effect");
    }

    @Test
    void valueAppliedTwiceIsNotLinearizable() {
        op(1, Kind.WRITE, null, "a", false, Outcome.OK);
        op(2, Kind.WRITE, null, "b", false, Outcome.OK);
        op(3, Kind.READ, null, "b", false, Outcome.OK);
        op(3, Kind.READ, null, "a", false, Outcome.OK); // "a" written once, but it came back
        String why = h.check();
        assertNotNull(why);
        assertTrue(why.contains("the operations that wrote a:\n  p1 ["), why);
    }

    @Test
    void failedOperationsAreLeftOut() {
        op(1, Kind.WRITE, null, "a", false, Outcome.FAIL);
        op(2, Kind.READ, null, "0", false, Outcome.OK);
        assertNull(h.check());
    }

    @Test
    void overlappingOperationsMayTakeEffectInEitherOrder() {
        long w = h.invoke();
        long r = h.invoke();
        h.record(2, Kind.READ, null, "a", false, Outcome.OK, r);
        h.record(1, Kind.WRITE, null, "a", false, Outcome.OK, w);
        assertNull(h.check());
    }
}
