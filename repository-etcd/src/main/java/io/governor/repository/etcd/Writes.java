package io.governor.repository.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sends a guarded transaction once, and when its answer is lost (the server unreachable, leaderless
 * or slow: it may or may not have applied) finds out from the keys what happened instead of
 * guessing. A {@link Plan} holds the keys as read before sending and what the transaction leaves
 * in them. After a lost answer one snapshot read of those keys decides:
 * <ul>
 *   <li><b>not applied</b>: every key has the mod revision it had (or is still absent): the
 *       transaction is sent again; its compares make sure at most one copy applies;</li>
 *   <li><b>applied</b>: every key it puts holds the value it put and every key it deletes is gone;</li>
 *   <li><b>refused</b>: for a revision-guarded write, the key was written exactly once since the
 *       read (same create revision, version one higher), with another value: the lost copy's
 *       compare can never hold;</li>
 *   <li>otherwise {@code OUTCOME_UNKNOWN}.</li>
 * </ul>
 * A key that was absent and is absent again is taken as "not applied": a create of ours that
 * another client deleted within the few hundred milliseconds of the resolution would be applied
 * again (docs/repositories/etcd.md). Another client writing exactly the same values from the same
 * state is counted as this client's write.
 *
 * <p>Thread-safe; blocks up to twice the request timeout for a resolution.
 */
final class Writes {

    /** The keys a transaction was planned on, as read (null: absent), and what it leaves in them (null: deleted). */
    static final class Plan {
        private final Map<String, KeyValue> read = new LinkedHashMap<>();
        private final Map<String, ByteSequence> writes = new LinkedHashMap<>();
        private boolean revisionGuarded;

        Plan read(String path, KeyValue kv) {
            read.putIfAbsent(path, kv);
            return this;
        }

        Plan writes(String path, ByteSequence value) {
            writes.put(path, value);
            return this;
        }

        /** Every written key is guarded by the mod revision read (or by "absent"). */
        Plan revisionGuarded() {
            revisionGuarded = true;
            return this;
        }
    }

    private final KV kv;
    private final Keys keys;
    private final Requests requests;

    Writes(KV kv, Keys keys, Requests requests) {
        this.kv = kv;
        this.keys = keys;
        this.requests = requests;
    }

    /**
     * Sends {@code cmps}/{@code ops} as one transaction.
     *
     * @return true when it applied, false when its compares failed (nothing written)
     * @throws GovernanceException {@code OUTCOME_UNKNOWN} when the answer was lost and the keys do not
     *         tell; other codes when nothing was applied
     */
    boolean send(String operation, String path, List<Cmp> cmps, List<Op> ops, Plan plan) {
        Boolean done = attempt(operation, path, cmps, ops);
        if (done != null) {
            return done;
        }
        long deadline = System.nanoTime() + 2 * requests.requestTimeout().toNanos();
        boolean refused = false;
        while (true) {
            Map<String, KeyValue> now;
            try {
                now = readNow(operation, plan);
            } catch (GovernanceException e) {
                if (e.code() == ErrorCode.CLOSED || e.code() == ErrorCode.INTERRUPTED) {
                    throw e;
                }
                throw unknown(operation, path, "etcd could not be read again to find out (" + e.getMessage() + ")", e);
            }
            if (unchanged(plan, now)) {
                if (refused) {
                    return false; // refused on the state it was planned on: its compares do not hold there
                }
                if (System.nanoTime() > deadline) {
                    throw unknown(operation, path, "it could not be sent again in time", null);
                }
                done = attempt(operation, path, cmps, ops);
                if (Boolean.TRUE.equals(done)) {
                    return true;
                }
                refused = done != null;
                continue; // lost again, or refused by our own earlier copy or another writer: look again
            }
            if (applied(plan, now)) {
                return true;
            }
            if (plan.revisionGuarded && takenByAnother(plan, now)) {
                return false;
            }
            throw unknown(operation, path, "the keys show neither the state it was planned on nor its result", null);
        }
    }

    /** True or false as the server answered; null when the answer was lost. */
    private Boolean attempt(String operation, String path, List<Cmp> cmps, List<Op> ops) {
        try {
            TxnResponse r = requests.once(operation, path, () -> kv.txn().If(cmps.toArray(Cmp[]::new))
                    .Then(ops.toArray(Op[]::new)).commit());
            return r.isSucceeded();
        } catch (GovernanceException e) {
            if (e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.TIMEOUT) {
                return null;
            }
            throw e;
        }
    }

    private Map<String, KeyValue> readNow(String operation, Plan plan) {
        List<String> paths = new ArrayList<>(plan.read.keySet());
        for (String p : plan.writes.keySet()) {
            if (!paths.contains(p)) {
                paths.add(p);
            }
        }
        Op[] gets = paths.stream().map(p -> Op.get(keys.key(p), GetOption.DEFAULT)).toArray(Op[]::new);
        TxnResponse r = requests.idempotent(operation, paths.get(0), () -> kv.txn().Then(gets).commit());
        Map<String, KeyValue> out = new LinkedHashMap<>();
        for (int i = 0; i < paths.size(); i++) {
            List<KeyValue> kvs = r.getGetResponses().get(i).getKvs();
            out.put(paths.get(i), kvs.isEmpty() ? null : kvs.get(0));
        }
        return out;
    }

    private static boolean unchanged(Plan plan, Map<String, KeyValue> now) {
        for (Map.Entry<String, KeyValue> e : plan.read.entrySet()) {
            KeyValue before = e.getValue();
            KeyValue after = now.get(e.getKey());
            if (before == null ? after != null : after == null || after.getModRevision() != before.getModRevision()) {
                return false;
            }
        }
        return true;
    }

    private static boolean applied(Plan plan, Map<String, KeyValue> now) {
        for (Map.Entry<String, ByteSequence> w : plan.writes.entrySet()) {
            KeyValue after = now.get(w.getKey());
            boolean there = w.getValue() == null ? after == null
                    : after != null && Objects.equals(after.getValue(), w.getValue());
            if (!there) {
                return false;
            }
        }
        return true;
    }

    private static boolean takenByAnother(Plan plan, Map<String, KeyValue> now) {
        for (Map.Entry<String, ByteSequence> w : plan.writes.entrySet()) {
            KeyValue before = plan.read.get(w.getKey());
            KeyValue after = now.get(w.getKey());
            if (w.getValue() != null && before != null && after != null
                    && after.getCreateRevision() == before.getCreateRevision()
                    && after.getVersion() == before.getVersion() + 1) {
                return true; // one write since the read, not ours: our mod-revision compare fails for good
            }
        }
        return false;
    }

    private GovernanceException unknown(String operation, String path, String why, Throwable cause) {
        return Failures.error(ErrorCode.OUTCOME_UNKNOWN, operation, path, requests.where(), "the answer was lost and "
                + why + "; it applied once or not at all: re-read before repeating it", cause);
    }
}
