package io.governor.repository.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Operation;
import io.governor.api.repository.Paths;
import io.governor.api.repository.support.GuardedWrite;
import io.governor.api.repository.support.TimedRequests;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The atomic writes, each one etcd transaction sent once as a {@link GuardedWrite} (a lost answer
 * is resolved from one snapshot read of the keys it was planned on): put and compare-and-set as
 * read-then-write guarded by the mod revision read (or by {@code version == 0} for an absent key),
 * recursive delete (the key and the range below {@code key + "/"}), and {@link Operation} lists
 * (checks become value compares, deletes recursive range deletes). Nothing is ever read-then-written
 * without a compare guarding the write. A key created by a write whose answer was lost and that is
 * absent again is looked up in etcd's history ({@link #heldBetween}), so a create another client
 * removed meanwhile is not applied twice (docs/repositories/etcd.md). Thread-safe; blocks up to the
 * request timeout per request and twice that for a resolution.
 */
final class Transactions {

    /** How often a guarded put or compare-and-set reads and writes again when concurrent writers keep winning. */
    private static final int MAX_REVISION_ROUNDS = 100;

    private final KV kv;
    private final Keys keys;
    private final TimedRequests requests;
    private final int maxRequestBytes;
    /** The servers' limit of compares, and of operations, in one transaction ({@code --max-txn-ops}). */
    private final int maxTxnOps;

    Transactions(KV kv, Keys keys, TimedRequests requests, int maxRequestBytes, int maxTxnOps) {
        this.kv = kv;
        this.keys = keys;
        this.requests = requests;
        this.maxRequestBytes = maxRequestBytes;
        this.maxTxnOps = maxTxnOps;
    }

    /** Replaces the value if it equals {@code expected} (null: only if absent), as {@link #guardedPut} does. */
    boolean compareAndSet(String path, String expected, String newValue) {
        return guardedPut("compareAndSet", path, true, expected, newValue);
    }

    /** Creates or overwrites a key, as {@link #guardedPut} does. */
    void put(String path, String newValue) {
        guardedPut("put", path, false, null, newValue);
    }

    /**
     * Reads the key, compares its value when {@code compare}, then writes in a transaction guarded by
     * the mod revision read (or by "absent"); a concurrent write makes it read and compare again.
     */
    private boolean guardedPut(String operation, String path, boolean compare, String expected, String newValue) {
        ByteSequence key = keys.key(path);
        ByteSequence value = Keys.bytes(newValue);
        for (int round = 0; round < MAX_REVISION_ROUNDS; round++) {
            GetResponse read = requests.idempotent("get", path, () -> kv.get(key));
            KeyValue now = read.getKvs().stream().findFirst().orElse(null);
            if (compare && !Objects.equals(now == null ? null : Keys.value(now).value(), expected)) {
                return false;
            }
            Cmp guard = now == null ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0))
                    : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(now.getModRevision()));
            if (send(operation, path, List.of(guard), List.of(Op.put(key, value, PutOption.DEFAULT)),
                    new GuardedWrite().planned(path, node(now)).writes(path, value.getBytes()).versionGuarded(),
                    read.getHeader().getRevision())) {
                return true;
            }
        }
        throw error(ErrorCode.CONFLICT, operation, path, "the key kept changing under " + MAX_REVISION_ROUNDS + " attempts");
    }

    /** Deletes a key and everything below it in one transaction. */
    void deleteRecursively(String path) {
        GuardedWrite plan = new GuardedWrite().planned(path, node(read(path).orElse(null))).writes(path, null);
        send("delete", path, List.of(), deleteOps(path), plan, 0); // creates nothing: no history to read
    }

    /**
     * Commits checks and writes as one transaction. Writes whose keys overlap (one at or below
     * another) are refused: etcd applies all writes of a transaction at once and rejects that.
     */
    boolean commit(List<Operation> operations) {
        List<Cmp> cmps = new ArrayList<>();
        List<Op> ops = new ArrayList<>();
        List<String> written = new ArrayList<>();
        GuardedWrite plan = new GuardedWrite();
        long size = 0;
        for (Operation o : operations) {
            ByteSequence key = keys.key(o.key());
            size += key.size() + 16;
            if (o instanceof Operation.Check c) {
                ByteSequence expected = c.expectedValue() == null ? null : Keys.bytes(c.expectedValue());
                cmps.add(new Cmp(key, Cmp.Op.EQUAL,
                        expected == null ? CmpTarget.version(0) : CmpTarget.value(expected)));
                size += expected == null ? 0 : expected.size();
                continue;
            }
            for (String other : written) {
                if (Paths.isAtOrBelow(o.key(), other) || Paths.isAtOrBelow(other, o.key())) {
                    throw error(ErrorCode.INVALID_ARGUMENT, "commit", o.key(), "overlaps the write to '" + other
                            + "' in the same commit; etcd refuses overlapping writes in one transaction");
                }
            }
            written.add(o.key());
            if (o instanceof Operation.Put p) {
                ByteSequence value = Keys.bytes(p.value());
                ops.add(Op.put(key, value, PutOption.DEFAULT));
                size += value.size();
                plan.writes(o.key(), value.getBytes());
            } else {
                ops.addAll(deleteOps(o.key()));
                plan.writes(o.key(), null);
            }
        }
        if (size + EtcdSettings.REQUEST_OVERHEAD_BYTES > maxRequestBytes) {
            throw error(ErrorCode.VALUE_TOO_LARGE, "commit", operations.get(0).key(), "the transaction needs about "
                    + (size + EtcdSettings.REQUEST_OVERHEAD_BYTES) + " bytes; the request limit is " + maxRequestBytes + " bytes");
        }
        if (cmps.size() > maxTxnOps || ops.size() > maxTxnOps) {
            // The server would refuse it; it cannot be split without losing atomicity.
            throw error(ErrorCode.VALUE_TOO_LARGE, "commit", operations.get(0).key(), "the transaction has "
                    + cmps.size() + " compare(s) and " + ops.size() + " write operation(s) (a delete is two); etcd "
                    + "allows at most " + maxTxnOps + " of each in one transaction. Raise the servers' --max-txn-ops "
                    + "and the repository property 'maxTxnOps' together to write this atomically");
        }
        long[] planRevision = new long[1];
        nodes("commit", operations.stream().map(Operation::key).distinct().toList(), planRevision).forEach(plan::planned);
        return send("commit", operations.get(0).key(), cmps, ops, plan, planRevision[0]);
    }

    /** Reads the value and mod revision of one key. */
    Optional<KeyValue> read(String path) {
        return requests.idempotent("get", path, () -> kv.get(keys.key(path))).getKvs().stream().findFirst();
    }

    /** Reads the keys strictly below a path in one range request, without their values when {@code keysOnly}. */
    List<KeyValue> descendants(String operation, String path, boolean keysOnly) {
        GetOption option = GetOption.builder().withRange(keys.subtreeEnd(path)).withKeysOnly(keysOnly).build();
        return requests.idempotent(operation, path, () -> kv.get(keys.descendantsStart(path), option)).getKvs();
    }

    /**
     * Reads, in one transaction without compares, each of {@code keyPaths} and the strict descendants
     * of each of {@code parentPaths}; returns every read's key-values in argument order, keys first.
     * More than {@link #maxTxnOps} reads go in several transactions, the later ones at the first one's
     * revision, so the result is one snapshot either way. Safe to retry.
     *
     * @param label       what failures name as the key
     * @param revisionOut gets the snapshot's revision in its element 0
     */
    List<List<KeyValue>> readAll(String label, List<String> keyPaths, List<String> parentPaths, long[] revisionOut) {
        int reads = keyPaths.size() + parentPaths.size();
        List<List<KeyValue>> out = new ArrayList<>(reads);
        long revision = 0; // 0: the latest
        for (int from = 0; from < reads; from += maxTxnOps) {
            List<Op> ops = new ArrayList<>();
            for (int i = from; i < Math.min(reads, from + maxTxnOps); i++) {
                GetOption.Builder option = GetOption.builder().withRevision(revision);
                if (i < keyPaths.size()) {
                    ops.add(Op.get(keys.key(keyPaths.get(i)), option.build()));
                } else {
                    String parent = parentPaths.get(i - keyPaths.size());
                    ops.add(Op.get(keys.descendantsStart(parent), option.withRange(keys.subtreeEnd(parent)).build()));
                }
            }
            TxnResponse response = requests.idempotent("readAll", label,
                    () -> kv.txn().Then(ops.toArray(Op[]::new)).commit());
            revision = revision == 0 ? response.getHeader().getRevision() : revision;
            response.getGetResponses().forEach(r -> out.add(r.getKvs()));
        }
        revisionOut[0] = revision;
        return out;
    }

    /** The key itself and the range of its descendants. */
    private List<Op> deleteOps(String path) {
        DeleteOption below = DeleteOption.builder().withRange(keys.subtreeEnd(path)).build();
        return List.of(Op.delete(keys.key(path), DeleteOption.DEFAULT), Op.delete(keys.descendantsStart(path), below));
    }

    /**
     * Sends {@code cmps}/{@code ops} as one transaction, once; a lost answer (UNAVAILABLE, TIMEOUT) is
     * resolved from the keys of {@code plan}.
     *
     * @return true when it applied, false when its compares failed (nothing written)
     * @throws GovernanceException {@code OUTCOME_UNKNOWN} when the answer was lost and the keys do not
     *         tell; other codes when nothing was applied
     */
    private boolean send(String operation, String path, List<Cmp> cmps, List<Op> ops, GuardedWrite plan, long planRevision) {
        long[] readAgainRevision = new long[1];
        GuardedWrite.Backend backend = new GuardedWrite.Backend() {
            @Override
            public GuardedWrite.Sent send() {
                try {
                    TxnResponse r = requests.once(operation, path, () -> kv.txn().If(cmps.toArray(Cmp[]::new))
                            .Then(ops.toArray(Op[]::new)).commit());
                    return r.isSucceeded() ? GuardedWrite.Sent.APPLIED : GuardedWrite.Sent.REFUSED;
                } catch (GovernanceException e) {
                    if (e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.TIMEOUT) {
                        return GuardedWrite.Sent.LOST;
                    }
                    throw e;
                }
            }

            @Override
            public Map<String, GuardedWrite.Node> readAgain(Collection<String> paths, long deadline) {
                return nodes(path, List.copyOf(paths), readAgainRevision);
            }

            @Override
            public boolean createdSincePlan(String key, byte[] data, long deadline) {
                return heldBetween(key, data, planRevision, readAgainRevision[0]);
            }
        };
        try {
            return plan.send(backend, 2 * requests.requestTimeout().toNanos());
        } catch (GuardedWrite.Unknown u) {
            throw requests.checks().error(ErrorCode.OUTCOME_UNKNOWN, operation, path, u.getMessage(), u.getCause());
        } catch (Exception e) {
            throw requests.translate(operation, path, e);
        }
    }

    /**
     * Whether {@code path} held {@code data} at some revision after {@code after} and up to
     * {@code upTo}: one transaction that reads the key at each of those revisions.
     *
     * @throws GovernanceException {@code OUTCOME_UNKNOWN} when more than {@code maxTxnOps} revisions
     *         passed; the center's failure when it cannot read them (compacted, unreachable)
     */
    boolean heldBetween(String path, byte[] data, long after, long upTo) {
        if (after <= 0 || upTo <= after) {
            return false;
        }
        if (upTo - after > maxTxnOps) {
            throw error(ErrorCode.OUTCOME_UNKNOWN, "history", path, (upTo - after) + " revisions passed since the plan; "
                    + "at most " + maxTxnOps + " (maxTxnOps) are read");
        }
        ByteSequence key = keys.key(path);
        List<Op> reads = new ArrayList<>();
        for (long rev = after + 1; rev <= upTo; rev++) {
            reads.add(Op.get(key, GetOption.builder().withRevision(rev).build()));
        }
        TxnResponse r = requests.idempotent("history", path, () -> kv.txn().Then(reads.toArray(Op[]::new)).commit());
        return r.getGetResponses().stream().flatMap(g -> g.getKvs().stream())
                .anyMatch(k -> k.getModRevision() > after && Arrays.equals(k.getValue().getBytes(), data));
    }

    /**
     * The keys at {@code paths} as {@link GuardedWrite} compares them (null: absent), read as one
     * snapshot, whose revision goes to {@code revisionOut[0]}.
     */
    private Map<String, GuardedWrite.Node> nodes(String label, List<String> paths, long[] revisionOut) {
        Map<String, GuardedWrite.Node> out = new LinkedHashMap<>();
        List<List<KeyValue>> read = readAll(label, paths, List.of(), revisionOut);
        for (int i = 0; i < paths.size(); i++) {
            out.put(paths.get(i), read.get(i).isEmpty() ? null : node(read.get(i).get(0)));
        }
        return out;
    }

    /** A key-value as {@link GuardedWrite} compares it; null for an absent key. */
    private static GuardedWrite.Node node(KeyValue kv) {
        return kv == null ? null : new GuardedWrite.Node(kv.getValue().getBytes(), kv.getCreateRevision(),
                kv.getModRevision(), kv.getVersion(), 0);
    }

    private GovernanceException error(ErrorCode code, String operation, String path, String detail) {
        return requests.checks().error(code, operation, path, detail, null);
    }
}
