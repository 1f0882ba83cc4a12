package io.governor.api.repository.support;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A write guarded by what it was planned on, sent so that its outcome is always known or said to be
 * unknown, never guessed. A backend whose client resends a request whose answer was lost sees the
 * resend fail its own guard when the first copy had applied, and would answer "refused" for a write
 * that happened. So the write is sent once, and when its answer is lost (the server unreachable,
 * the session moved, no answer in time) the nodes it was planned on are read again, at least as new
 * as every write acknowledged before the read, and decide:
 * <ul>
 *   <li><b>not applied</b>: every node is as planned (same creation, modification and child
 *       revisions, or still absent): the write is sent again; its guards make sure at most one of the
 *       copies applies. A copy that is refused on that very state is refused;</li>
 *   <li><b>applied</b>: every key it puts holds the value it put and every key it deletes is gone;</li>
 *   <li><b>refused</b>: for a write guarded by the versions read ({@link #versionGuarded()}), a key
 *       it puts over was written exactly once since the plan (same creation, version one higher),
 *       with other data: the lost copy's guard can never hold;</li>
 *   <li>otherwise <b>unknown</b>: {@link Unknown}, which the repository reports as
 *       {@link ErrorCode#OUTCOME_UNKNOWN}.</li>
 * </ul>
 * A key that was absent and is absent again is taken as "not applied", unless the backend's history
 * shows it created by this write in between ({@link Backend#createdSincePlan}). Another client that wrote
 * exactly the same values from the same planned state is indistinguishable from this one, and the
 * write is then counted as applied (docs/spi.md).
 *
 * <p>Usage: record every node read while planning ({@link #planned}) and every key written
 * ({@link #writes}), then {@link #send} with the backend's two requests. Not thread-safe: one
 * instance per write attempt. {@link #send} blocks for the backend's requests, re-reading until the
 * deadline it is given.
 */
public final class GuardedWrite {

    /** What one send of the write came to. */
    public enum Sent {
        /** The server answered that the write applied. */
        APPLIED,
        /** The server answered that a guard failed: nothing was written. */
        REFUSED,
        /** No answer (connection lost, no leader, timed out): it may or may not have applied. */
        LOST
    }

    /**
     * A node as read: its data (null for a ZooKeeper node created without data) and the revisions
     * that show a change. A backend fills what it has; a revision it does not have is 0 on every read.
     *
     * @param created          the revision (ZooKeeper czxid, etcd create revision) that created the node
     * @param modified         the revision of its last data write (mzxid, mod revision)
     * @param version          the number of data writes since it was created
     * @param childrenModified the revision of its last child change (ZooKeeper pzxid; 0 on etcd)
     */
    public record Node(byte[] data, long created, long modified, long version, long childrenModified) {
        boolean sameRevisions(Node other) {
            return created == other.created && modified == other.modified && childrenModified == other.childrenModified;
        }
    }

    /** The backend's side: send the write once, and read nodes again. */
    public interface Backend {
        /**
         * Sends the write once.
         *
         * @throws Exception any failure other than a lost answer; nothing was applied
         */
        Sent send() throws Exception;

        /**
         * Reads the nodes again, at least as new as every write acknowledged before the call (a
         * ZooKeeper {@code sync} first; an etcd linearizable read), waiting for a connection no
         * longer than {@code deadlineNanos} (a {@link System#nanoTime()} value).
         *
         * @return the nodes that exist, by path (absent ones left out)
         * @throws Exception when they cannot be read: the outcome is then unknown
         */
        Map<String, Node> readAgain(Collection<String> paths, long deadlineNanos) throws Exception;

        /**
         * Asked when the nodes read again are as planned but the write creates a key that was absent:
         * whether the center's history shows that key holding {@code data} after the plan's read and
         * before the last {@link #readAgain} (the write applied, and something removed the key since).
         * A backend that keeps no history answers false, the default: the write is then sent again,
         * which would apply it a second time in that case (docs/spi.md).
         *
         * @throws Exception when the history cannot be read: the outcome is then unknown
         */
        default boolean createdSincePlan(String path, byte[] data, long deadlineNanos) throws Exception {
            return false;
        }
    }

    /** A lost answer that reading the nodes again could not resolve. */
    public static final class Unknown extends Exception {
        private static final long serialVersionUID = 1L;

        Unknown(String why, Throwable cause) {
            super("the answer was lost and " + why + "; it applied once or not at all: re-read before repeating it",
                    cause);
        }
    }

    private final Map<String, Node> planned = new LinkedHashMap<>();
    private final Map<String, byte[]> writes = new LinkedHashMap<>();
    private boolean versionGuarded;

    /** Records a node as read while planning ({@code node} null: absent); the first record of a path counts. */
    public GuardedWrite planned(String path, Node node) {
        if (!planned.containsKey(path)) {
            planned.put(path, node);
        }
        return this;
    }

    /** Records that the write leaves {@code data} at {@code path} (null: deletes it). */
    public GuardedWrite writes(String path, byte[] data) {
        writes.put(path, data);
        return this;
    }

    /** Says that every key the write puts over is guarded by the version (or revision) read. */
    public GuardedWrite versionGuarded() {
        versionGuarded = true;
        return this;
    }

    /**
     * Sends the write and, when its answer is lost, finds out from the nodes what became of it.
     *
     * @param budgetNanos how long, from now, a lost answer may take to resolve
     * @return true when it applied (once), false when its guards refused it (nothing written)
     * @throws Unknown when the answer was lost and the nodes do not tell
     * @throws Exception what {@link Backend#send} throws (nothing applied); {@link InterruptedException}
     *         and a {@link GovernanceException} of {@code CLOSED} or {@code INTERRUPTED} from a re-read
     */
    public boolean send(Backend backend, long budgetNanos) throws Exception {
        Sent sent = backend.send();
        if (sent != Sent.LOST) {
            return sent == Sent.APPLIED;
        }
        long deadline = System.nanoTime() + budgetNanos;
        Set<String> paths = new LinkedHashSet<>(planned.keySet());
        paths.addAll(writes.keySet());
        boolean refused = false;
        while (true) {
            Map<String, Node> now = readAgain(backend, paths, deadline);
            if (unchanged(now)) {
                if (createdThenRemoved(backend, deadline)) {
                    return true; // applied, and another writer removed what it created before the re-read
                }
                if (refused) {
                    return false; // refused on the very state it was planned on
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new Unknown("it could not be sent again in time", null);
                }
                sent = backend.send();
                if (sent == Sent.APPLIED) {
                    return true;
                }
                refused = sent == Sent.REFUSED; // by our own lost copy or by another writer: the nodes tell which
                continue;
            }
            if (applied(now)) {
                return true;
            }
            if (versionGuarded && takenByAnother(now)) {
                return false;
            }
            throw new Unknown("the nodes show neither the state it was planned on nor its result", null);
        }
    }

    private static Map<String, Node> readAgain(Backend backend, Set<String> paths, long deadline) throws Exception {
        return finding("the nodes could not be read again", () -> backend.readAgain(paths, deadline));
    }

    /** Whether the backend's history shows a key this write creates holding what it wrote (see the backend's method). */
    private boolean createdThenRemoved(Backend backend, long deadline) throws Exception {
        for (Map.Entry<String, byte[]> w : writes.entrySet()) {
            if (w.getValue() != null && planned.containsKey(w.getKey()) && planned.get(w.getKey()) == null) {
                // one key tells: a write applies whole
                return finding("the history could not be read", () -> backend.createdSincePlan(w.getKey(), w.getValue(), deadline));
            }
        }
        return false;
    }

    /**
     * Runs one of the backend's look-ups; a failure makes the outcome {@link Unknown}, except an
     * interrupt and a {@code CLOSED} or {@code INTERRUPTED} repository, which are thrown as they are.
     */
    private static <T> T finding(String failed, java.util.concurrent.Callable<T> lookUp) throws Exception {
        try {
            return lookUp.call();
        } catch (InterruptedException e) {
            throw e;
        } catch (GovernanceException e) {
            if (e.code() == ErrorCode.CLOSED || e.code() == ErrorCode.INTERRUPTED) {
                throw e;
            }
            throw new Unknown(failed + " to find out (" + e.getMessage() + ")", e);
        } catch (Exception e) {
            throw new Unknown(failed + " to find out (" + e + ")", e);
        }
    }

    private boolean unchanged(Map<String, Node> now) {
        for (Map.Entry<String, Node> p : planned.entrySet()) {
            Node before = p.getValue();
            Node after = now.get(p.getKey());
            if (before == null ? after != null : after == null || !before.sameRevisions(after)) {
                return false;
            }
        }
        return true;
    }

    private boolean applied(Map<String, Node> now) {
        for (Map.Entry<String, byte[]> w : writes.entrySet()) {
            Node after = now.get(w.getKey());
            boolean there = w.getValue() == null ? after == null : after != null && Arrays.equals(after.data, w.getValue());
            if (!there) {
                return false;
            }
        }
        return true;
    }

    /** One write since the plan, not ours: the version guard of our lost copy fails for good. */
    private boolean takenByAnother(Map<String, Node> now) {
        for (Map.Entry<String, byte[]> w : writes.entrySet()) {
            Node before = planned.get(w.getKey());
            Node after = now.get(w.getKey());
            if (w.getValue() != null && before != null && after != null && after.created == before.created
                    && after.version == before.version + 1) {
                return true;
            }
        }
        return false;
    }
}
