package io.governor.api.repository.support;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.support.GuardedWrite.Node;
import io.governor.api.repository.support.GuardedWrite.Sent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuardedWriteTest {

    private static final long BUDGET = TimeUnit.SECONDS.toNanos(5);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final Node OLD = new Node(b("old"), 10, 12, 2, 0);

    /** A backend that answers sends from a script and reads from a list of states, one per read. */
    private static final class Scripted implements GuardedWrite.Backend {
        final Deque<Sent> sends;
        final Deque<Object> reads;
        int sent;

        Scripted(List<Sent> sends, List<Object> reads) {
            this.sends = new ArrayDeque<>(sends);
            this.reads = new ArrayDeque<>(reads);
        }

        @Override
        public Sent send() {
            sent++;
            return sends.removeFirst();
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map<String, Node> readAgain(Collection<String> paths, long deadlineNanos) throws Exception {
            Object r = reads.removeFirst();
            if (r instanceof Exception e) {
                throw e;
            }
            return (Map<String, Node>) r;
        }
    }

    private static GuardedWrite overwrite() {
        return new GuardedWrite().planned("/k", OLD).writes("/k", b("new")).versionGuarded();
    }

    @Test
    void anAnsweredWriteIsNotReadAgain() throws Exception {
        Scripted backend = new Scripted(List.of(Sent.APPLIED), List.of());
        assertTrue(overwrite().send(backend, BUDGET));
        Scripted refused = new Scripted(List.of(Sent.REFUSED), List.of());
        assertFalse(overwrite().send(refused, BUDGET));
        assertEquals(1, refused.sent);
    }

    @Test
    void aLostWriteThatLeftTheNodesAsPlannedIsSentAgain() throws Exception {
        Scripted backend = new Scripted(List.of(Sent.LOST, Sent.APPLIED), List.of(Map.of("/k", OLD)));
        assertTrue(overwrite().send(backend, BUDGET));
        assertEquals(2, backend.sent);
    }

    @Test
    void aLostWriteWhoseResultIsThereApplied() throws Exception {
        Node ours = new Node(b("new"), 10, 20, 3, 0);
        Scripted backend = new Scripted(List.of(Sent.LOST), List.of(Map.of("/k", ours)));
        assertTrue(overwrite().send(backend, BUDGET));
        assertEquals(1, backend.sent, "not sent again");
    }

    @Test
    void aResendRefusedByOurOwnLostCopyIsAppliedOnceTheNodesShowIt() throws Exception {
        Node ours = new Node(b("new"), 10, 20, 3, 0);
        Scripted backend = new Scripted(List.of(Sent.LOST, Sent.REFUSED), List.of(Map.of("/k", OLD), Map.of("/k", ours)));
        assertTrue(overwrite().send(backend, BUDGET));
    }

    @Test
    void aResendRefusedOnThePlannedStateIsRefused() throws Exception {
        Scripted backend = new Scripted(List.of(Sent.LOST, Sent.REFUSED), List.of(Map.of("/k", OLD), Map.of("/k", OLD)));
        assertFalse(overwrite().send(backend, BUDGET));
    }

    @Test
    void oneOtherWriteOverAVersionGuardedKeyIsARefusal() throws Exception {
        Node theirs = new Node(b("theirs"), 10, 20, 3, 0);
        Scripted backend = new Scripted(List.of(Sent.LOST), List.of(Map.of("/k", theirs)));
        assertFalse(overwrite().send(backend, BUDGET));
        Scripted unguarded = new Scripted(List.of(Sent.LOST), List.of(Map.of("/k", theirs)));
        GuardedWrite.Unknown u = assertThrows(GuardedWrite.Unknown.class, () -> new GuardedWrite()
                .planned("/k", OLD).writes("/k", b("new")).send(unguarded, BUDGET));
        assertTrue(u.getMessage().contains("neither the state it was planned on nor its result"), u.getMessage());
    }

    @Test
    void twoOtherWritesLeaveTheOutcomeUnknown() {
        Node twice = new Node(b("theirs"), 10, 30, 4, 0);
        Scripted backend = new Scripted(List.of(Sent.LOST), List.of(Map.of("/k", twice)));
        assertThrows(GuardedWrite.Unknown.class, () -> overwrite().send(backend, BUDGET));
    }

    @Test
    void aCreateAndADeleteAreJudgedByPresence() throws Exception {
        Map<String, Node> created = new HashMap<>();
        created.put("/new", new Node(b("v"), 30, 30, 0, 0));
        Scripted create = new Scripted(List.of(Sent.LOST), List.of(created));
        assertTrue(new GuardedWrite().planned("/new", null).writes("/new", b("v")).send(create, BUDGET));

        Scripted delete = new Scripted(List.of(Sent.LOST), List.of(Map.of()));
        assertTrue(new GuardedWrite().planned("/k", OLD).writes("/k", null).send(delete, BUDGET));

        Scripted stillAbsent = new Scripted(List.of(Sent.LOST, Sent.APPLIED), List.of(Map.of()));
        assertTrue(new GuardedWrite().planned("/new", null).writes("/new", b("v")).send(stillAbsent, BUDGET));
        assertEquals(2, stillAbsent.sent, "absent again: sent again");
    }

    @Test
    void aChildChangeOnAPlannedParentIsAChange() {
        Node parent = new Node(null, 1, 1, 0, 5);
        Node parentLater = new Node(null, 1, 1, 0, 9);
        Scripted backend = new Scripted(List.of(Sent.LOST), List.of(Map.of("/p", parentLater)));
        assertThrows(GuardedWrite.Unknown.class, () -> new GuardedWrite().planned("/p/k", null).planned("/p", parent)
                .writes("/p/k", b("v")).send(backend, BUDGET));
    }

    @Test
    void aFailedReReadIsUnknownButClosedAndInterruptedPassThrough() {
        Scripted failing = new Scripted(List.of(Sent.LOST), List.of(new IllegalStateException("unreachable")));
        GuardedWrite.Unknown u = assertThrows(GuardedWrite.Unknown.class, () -> overwrite().send(failing, BUDGET));
        assertTrue(u.getMessage().contains("could not be read again"), u.getMessage());

        GovernanceException closed = new GovernanceException(ErrorCode.CLOSED, "closed");
        Scripted closing = new Scripted(List.of(Sent.LOST), List.of(closed));
        assertSame(closed, assertThrows(GovernanceException.class, () -> overwrite().send(closing, BUDGET)));

        Scripted interrupted = new Scripted(List.of(Sent.LOST), List.of(new InterruptedException()));
        assertThrows(InterruptedException.class, () -> overwrite().send(interrupted, BUDGET));
    }

    @Test
    void aWriteNotSentAgainBeforeTheDeadlineIsUnknown() {
        Scripted backend = new Scripted(List.of(Sent.LOST), List.of(Map.of("/k", OLD)));
        GuardedWrite.Unknown u = assertThrows(GuardedWrite.Unknown.class, () -> overwrite().send(backend, -1));
        assertTrue(u.getMessage().contains("could not be sent again in time"), u.getMessage());
    }

    @Test
    void aWriteLostAgainIsResolvedAgain() throws Exception {
        Node ours = new Node(b("new"), 10, 20, 3, 0);
        Scripted backend = new Scripted(List.of(Sent.LOST, Sent.LOST), List.of(Map.of("/k", OLD), Map.of("/k", ours)));
        assertTrue(overwrite().send(backend, BUDGET));
        assertEquals(2, backend.sent);
    }

    /** A create (planned absent) whose history the backend can read, scripted. */
    private static final class WithHistory implements GuardedWrite.Backend {
        final Scripted scripted;
        final Object history; // Boolean, or an Exception to throw
        String askedPath;

        WithHistory(Scripted scripted, Object history) {
            this.scripted = scripted;
            this.history = history;
        }

        @Override
        public Sent send() {
            return scripted.send();
        }

        @Override
        public Map<String, Node> readAgain(Collection<String> paths, long deadlineNanos) throws Exception {
            return scripted.readAgain(paths, deadlineNanos);
        }

        @Override
        public boolean createdSincePlan(String path, byte[] data, long deadlineNanos) throws Exception {
            askedPath = path + "=" + new String(data, StandardCharsets.UTF_8);
            if (history instanceof Exception e) {
                throw e;
            }
            return (Boolean) history;
        }
    }

    private static GuardedWrite create() {
        return new GuardedWrite().planned("/k", null).writes("/k", b("new")).versionGuarded();
    }

    @Test
    void aLostCreateThatAnotherWriterRemovedBeforeTheReReadIsAppliedNotSentAgain() throws Exception {
        WithHistory backend = new WithHistory(new Scripted(List.of(Sent.LOST), List.of(Map.of())), true);
        assertTrue(create().send(backend, BUDGET));
        assertEquals(1, backend.scripted.sent, "not sent a second time");
        assertEquals("/k=new", backend.askedPath);
    }

    @Test
    void aLostCreateTheHistoryDoesNotShowIsSentAgain() throws Exception {
        WithHistory backend = new WithHistory(new Scripted(List.of(Sent.LOST, Sent.APPLIED), List.of(Map.of())), false);
        assertTrue(create().send(backend, BUDGET));
        assertEquals(2, backend.scripted.sent);
    }

    @Test
    void aHistoryThatCannotBeReadMakesTheOutcomeUnknown() {
        WithHistory backend = new WithHistory(new Scripted(List.of(Sent.LOST), List.of(Map.of())),
                new IllegalStateException("compacted"));
        GuardedWrite.Unknown u = assertThrows(GuardedWrite.Unknown.class, () -> create().send(backend, BUDGET));
        assertTrue(u.getMessage().contains("compacted"), u.getMessage());
        assertEquals(1, backend.scripted.sent);
    }

    @Test
    void anOverwriteDoesNotAskTheHistory() throws Exception {
        WithHistory backend = new WithHistory(new Scripted(List.of(Sent.LOST, Sent.APPLIED), List.of(Map.of("/k", OLD))),
                new IllegalStateException("must not be asked"));
        assertTrue(overwrite().send(backend, BUDGET));
        assertEquals(2, backend.scripted.sent);
    }
}
