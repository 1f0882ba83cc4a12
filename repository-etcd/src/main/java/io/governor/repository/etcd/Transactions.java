package io.governor.repository.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.governor.api.ErrorCode;
import io.governor.api.repository.Operation;
import io.governor.api.repository.Paths;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The atomic writes, each one etcd transaction sent through {@link Writes} (once, with a lost answer
 * resolved from the keys): put and compare-and-set as read-then-write guarded by the mod revision
 * read (or by {@code version == 0} for an absent key), recursive delete (the key and the range below
 * {@code key + "/"}), and {@link Operation} lists (checks become value compares, deletes recursive
 * range deletes). Nothing is ever read-then-written without a compare guarding the write. Thread-safe.
 */
final class Transactions {

    /** How often a guarded put or compare-and-set reads and writes again when concurrent writers keep winning. */
    private static final int MAX_REVISION_ROUNDS = 100;

    private final KV kv;
    private final Keys keys;
    private final Requests requests;
    private final Writes writes;
    private final int maxRequestBytes;
    /** The servers' limit of compares, and of operations, in one transaction ({@code --max-txn-ops}). */
    private final int maxTxnOps;

    Transactions(KV kv, Keys keys, Requests requests, int maxRequestBytes, int maxTxnOps) {
        this.kv = kv;
        this.writes = new Writes(kv, keys, requests);
        this.keys = keys;
        this.requests = requests;
        this.maxRequestBytes = maxRequestBytes;
        this.maxTxnOps = maxTxnOps;
    }

    /**
     * Replaces the value if it equals {@code expected} (null: only if absent): read, compare, then a
     * transaction guarded by the mod revision read (or by "absent"), sent through {@link Writes};
     * a concurrent write makes it read and compare again.
     */
    boolean compareAndSet(String path, String expected, String newValue) {
        ByteSequence value = Keys.bytes(newValue);
        for (int round = 0; round < MAX_REVISION_ROUNDS; round++) {
            KeyValue now = read(path).orElse(null);
            String current = now == null ? null : now.getValue().toString(StandardCharsets.UTF_8);
            if (!Objects.equals(current, expected)) {
                return false;
            }
            if (writeOver("compareAndSet", path, now, value)) {
                return true;
            }
        }
        throw Failures.error(ErrorCode.CONFLICT, "compareAndSet", path, requests.where(),
                "the key kept changing under " + MAX_REVISION_ROUNDS + " attempts", null);
    }

    /** Creates or overwrites a key: read, then a write guarded by what was read (see {@link #compareAndSet}). */
    void put(String path, String newValue) {
        ByteSequence value = Keys.bytes(newValue);
        for (int round = 0; round < MAX_REVISION_ROUNDS; round++) {
            if (writeOver("put", path, read(path).orElse(null), value)) {
                return;
            }
        }
        throw Failures.error(ErrorCode.CONFLICT, "put", path, requests.where(),
                "the key kept changing under " + MAX_REVISION_ROUNDS + " attempts", null);
    }

    /** Puts {@code value} over the key as read ({@code now}, null: absent), guarded by that read. */
    private boolean writeOver(String operation, String path, KeyValue now, ByteSequence value) {
        ByteSequence key = keys.key(path);
        Cmp guard = now == null ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(now.getModRevision()));
        return writes.send(operation, path, List.of(guard), List.of(Op.put(key, value, PutOption.DEFAULT)),
                new Writes.Plan().read(path, now).writes(path, value).revisionGuarded());
    }

    /**
     * Deletes a key and everything below it in one transaction, sent through {@link Writes}: after a
     * lost answer it is sent again only if the key is still as it was read.
     */
    void deleteRecursively(String path) {
        List<Op> ops = deleteOps(path);
        writes.send("delete", path, List.of(), ops, new Writes.Plan().read(path, read(path).orElse(null)).writes(path, null));
    }

    /**
     * Commits checks and writes as one transaction. Writes whose keys overlap (one at or below
     * another) are refused: etcd applies all writes of a transaction at once and rejects that.
     */
    boolean commit(List<Operation> operations) {
        List<Cmp> cmps = new ArrayList<>();
        List<Op> ops = new ArrayList<>();
        List<String> written = new ArrayList<>();
        long size = 0;
        for (Operation o : operations) {
            ByteSequence key = keys.key(o.key());
            size += key.size() + 16;
            if (o instanceof Operation.Check c) {
                cmps.add(c.expectedValue() == null ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0))
                        : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(Keys.bytes(c.expectedValue()))));
                size += c.expectedValue() == null ? 0 : utf8(c.expectedValue());
                continue;
            }
            for (String other : written) {
                if (Paths.isAtOrBelow(o.key(), other) || Paths.isAtOrBelow(other, o.key())) {
                    throw Failures.error(ErrorCode.INVALID_ARGUMENT, "commit", o.key(), requests.where(),
                            "overlaps the write to '" + other + "' in the same commit; etcd refuses overlapping writes "
                                    + "in one transaction", null);
                }
            }
            written.add(o.key());
            if (o instanceof Operation.Put p) {
                ops.add(Op.put(key, Keys.bytes(p.value()), PutOption.DEFAULT));
                size += utf8(p.value());
            } else {
                ops.addAll(deleteOps(o.key()));
            }
        }
        if (size + EtcdSettings.REQUEST_OVERHEAD_BYTES > maxRequestBytes) {
            throw Failures.error(ErrorCode.VALUE_TOO_LARGE, "commit", operations.get(0).key(), requests.where(),
                    "the transaction needs about " + (size + EtcdSettings.REQUEST_OVERHEAD_BYTES)
                            + " bytes; the request limit is " + maxRequestBytes + " bytes", null);
        }
        if (cmps.size() > maxTxnOps || ops.size() > maxTxnOps) {
            // The server would refuse it; it cannot be split without losing atomicity.
            throw Failures.error(ErrorCode.VALUE_TOO_LARGE, "commit", operations.get(0).key(), requests.where(),
                    "the transaction has " + cmps.size() + " compare(s) and " + ops.size() + " write operation(s) "
                            + "(a delete is two); etcd allows at most " + maxTxnOps + " of each in one transaction. "
                            + "Raise the servers' --max-txn-ops and the repository property '"
                            + EtcdSettings.MAX_TXN_OPS + "' together to write this atomically", null);
        }
        Writes.Plan plan = new Writes.Plan();
        List<String> paths = operations.stream().map(Operation::key).distinct().toList();
        List<List<KeyValue>> read = readAll("commit", paths, List.of());
        for (int i = 0; i < paths.size(); i++) {
            plan.read(paths.get(i), read.get(i).isEmpty() ? null : read.get(i).get(0));
        }
        for (Operation o : operations) {
            if (o instanceof Operation.Put p) {
                plan.writes(p.key(), Keys.bytes(p.value()));
            } else if (o instanceof Operation.Delete d) {
                plan.writes(d.key(), null);
            }
        }
        return writes.send("commit", operations.get(0).key(), cmps, ops, plan);
    }

    /** Reads the value and mod revision of one key. */
    Optional<KeyValue> read(String path) {
        List<KeyValue> kvs = requests.idempotent("get", path, () -> kv.get(keys.key(path))).getKvs();
        return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
    }

    /** Reads the keys (no values) strictly below a path. */
    List<KeyValue> descendantKeys(String path) {
        GetOption option = GetOption.builder().withRange(keys.descendantsEnd(path)).withKeysOnly(true).build();
        return requests.idempotent("children", path, () -> kv.get(keys.descendantsStart(path), option)).getKvs();
    }

    /** Reads the keys with values strictly below a path, in one range request. */
    List<KeyValue> descendants(String operation, String path) {
        GetOption option = GetOption.builder().withRange(keys.descendantsEnd(path)).build();
        return requests.idempotent(operation, path, () -> kv.get(keys.descendantsStart(path), option)).getKvs();
    }

    /**
     * Reads, in one transaction without compares, each of {@code keyPaths} (one range of one key) and
     * the strict descendants of each of {@code parentPaths} (one range each). Returns the key-values
     * of every read in argument order, keys first. More than {@link #maxTxnOps} reads go in several
     * transactions, each later one pinned to the revision the first was served at, so the result is
     * one snapshot either way. Safe to retry.
     *
     * @param label what failures name as the key
     */
    List<List<KeyValue>> readAll(String label, List<String> keyPaths, List<String> parentPaths) {
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
                    ops.add(Op.get(keys.descendantsStart(parent), option.withRange(keys.descendantsEnd(parent)).build()));
                }
            }
            TxnResponse response = requests.idempotent("readAll", label,
                    () -> kv.txn().Then(ops.toArray(Op[]::new)).commit());
            if (revision == 0) {
                revision = response.getHeader().getRevision();
            }
            response.getGetResponses().forEach(r -> out.add(r.getKvs()));
        }
        return out;
    }

    private List<Op> deleteOps(String path) {
        ByteSequence key = keys.key(path);
        Op self = Op.delete(key, DeleteOption.DEFAULT);
        Op below = Op.delete(keys.descendantsStart(path),
                DeleteOption.builder().withRange(keys.descendantsEnd(path)).build());
        return List.of(self, below);
    }

    static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
