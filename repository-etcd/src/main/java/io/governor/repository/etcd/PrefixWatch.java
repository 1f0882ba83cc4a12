package io.governor.repository.etcd;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.governor.api.GovernanceException;
import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Paths;
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A prefix watch that never loses or repeats an event.
 *
 * <p>It starts from a read of the prefix at revision R (the listener's initial view, not replayed)
 * and watches from R + 1. It remembers the last revision it delivered; when the stream fails, ends
 * (even silently, with a normal end of stream) or the lease heartbeat reports a reconnect, it opens a
 * new stream from that revision + 1 and skips anything at or below it. When etcd has compacted that
 * revision away it re-reads the prefix, diffs it against the view the listener has (its last seen
 * value and version of every key) and emits the differences - deletions included - before watching
 * again from the read's revision + 1. Intermediate values lost to compaction are coalesced.
 *
 * <p>All state is confined to the repository's {@code governor-<namespace>-watch} thread (the view
 * is also read by {@link #readLocally}, see below), which is
 * also where the listener runs; jetcd's callbacks only hand work over to it. Streams are opened with
 * "require leader", so a member that loses its leader ends the stream instead of going quiet.
 *
 * <p>{@link #readLocally} answers from the view. The watch thread changes the view only while it
 * holds {@link #viewLock}, a whole watch response (or resync) at a time, and delivers the events
 * after it has let go; a local read copies what it returns under the same lock. etcd sends all
 * events of one revision (one transaction) in one response, so a local read sees the prefix as of
 * one revision, and a listener reacting to an event finds that event's whole response in it.
 */
final class PrefixWatch implements io.governor.api.repository.Watch, io.governor.api.repository.LocalReads {

    private static final Logger LOG = LoggerFactory.getLogger(PrefixWatch.class);
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 2000;

    private final String prefix;
    private final WatchListener listener;
    private final Watch watchClient;
    private final KV kv;
    private final Keys keys;
    private final Requests requests;
    private final ScheduledExecutorService thread;
    private final Runnable onClose;
    private final ReentrantLock delivery = new ReentrantLock();
    /**
     * The listener's view: every key at or below the prefix as of {@link #revision}. Changed by the
     * watch thread under {@link #viewLock}; read by it freely and by {@link #readLocally} under the lock.
     */
    private final TreeMap<String, VersionedValue> view = new TreeMap<>();
    private final ReentrantLock viewLock = new ReentrantLock();

    private volatile boolean closed;
    private volatile Watch.Watcher watcher;
    private volatile int generation;
    private long revision;
    private long backoffMs = MIN_BACKOFF_MS;

    PrefixWatch(String prefix, WatchListener listener, Watch watchClient, KV kv, Keys keys, Requests requests,
                ScheduledExecutorService thread, Runnable onClose) {
        this.prefix = prefix;
        this.listener = listener;
        this.watchClient = watchClient;
        this.kv = kv;
        this.keys = keys;
        this.requests = requests;
        this.thread = thread;
        this.onClose = onClose;
    }

    /** Reads the prefix (on the caller's thread) and opens the stream from the next revision. */
    void start() {
        GetResponse r = read();
        viewLock.lock();
        try {
            view.putAll(snapshot(r));
            revision = r.getHeader().getRevision();
        } finally {
            viewLock.unlock();
        }
        execute(this::open);
    }

    @Override
    public String prefix() {
        return prefix;
    }

    /** Opens a fresh stream from the last delivered revision + 1 (after a reconnect). */
    void restart() {
        execute(this::open);
    }

    /**
     * Answers from the view as of the last watch response (see the class comment); empty after close
     * and for a key or parent outside the prefix. Copies only the nodes it returns.
     */
    @Override
    public Optional<SortedMap<String, VersionedValue>> readLocally(Collection<String> keys, Collection<String> parents) {
        try {
            Paths.requireReadAll(keys, parents);
        } catch (GovernanceException e) {
            throw new GovernanceException(e.code(), "[" + requests.where() + "] readLocally on the watch of '" + prefix
                    + "': " + e.getMessage(), e);
        }
        if (closed || !keys.stream().allMatch(k -> Paths.isAtOrBelow(k, prefix))
                || !parents.stream().allMatch(p -> Paths.isAtOrBelow(p, prefix))) {
            return Optional.empty();
        }
        SortedMap<String, VersionedValue> out = new TreeMap<>();
        viewLock.lock();
        try {
            for (String key : keys) {
                VersionedValue v = view.get(key);
                if (v != null) {
                    out.put(key, v);
                }
            }
            for (String parent : parents) {
                boolean root = "/".equals(parent);
                // the subtree below the parent sorts between "parent/" and "parent0" ('0' follows '/')
                for (Map.Entry<String, VersionedValue> e
                        : view.subMap(root ? "/" : parent + "/", false, root ? "0" : parent + "0", false).entrySet()) {
                    if (Paths.parent(e.getKey()).equals(parent)) {
                        out.put(e.getKey(), e.getValue());
                    }
                }
            }
        } finally {
            viewLock.unlock();
        }
        return closed ? Optional.empty() : Optional.of(out);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        delivery.lock();
        delivery.unlock();
        Watch.Watcher w = watcher;
        if (w != null) {
            try {
                w.close();
            } catch (RuntimeException e) {
                LOG.debug("[{}] closing the watch stream on '{}': {}", requests.where(), prefix, e.toString());
            }
        }
        onClose.run();
    }

    private void open() {
        if (closed) {
            return;
        }
        closeStream();
        int gen = ++generation;
        WatchOption option = WatchOption.builder().withRange(keys.subtreeEnd(prefix)).withRevision(revision + 1)
                .withRequireLeader(true).build();
        watcher = watchClient.watch(keys.subtreeStart(prefix), option, Watch.listener(
                response -> execute(() -> onResponse(gen, response)),
                failure -> execute(() -> onFailure(gen, failure)),
                () -> execute(() -> onEnded(gen))));
        if (closed) {
            closeStream();
        }
    }

    private void onResponse(int gen, WatchResponse response) {
        if (closed || gen != generation) {
            return;
        }
        backoffMs = MIN_BACKOFF_MS;
        long floor = revision;
        List<ChangeEvent> changes = new ArrayList<>();
        // the whole response under the lock, then the events: one revision's events (one
        // transaction) are in one response, so a local read never sees part of one
        viewLock.lock();
        try {
            apply(response, floor, changes);
        } finally {
            viewLock.unlock();
        }
        changes.forEach(this::deliver);
    }

    /** Applies a response's events above {@code floor} to the view, collecting the listener's events. */
    private void apply(WatchResponse response, long floor, List<ChangeEvent> changes) {
        for (WatchEvent e : response.getEvents()) {
            KeyValue kv = e.getKeyValue();
            long rev = kv.getModRevision();
            if (rev <= floor) {
                continue;
            }
            revision = Math.max(revision, rev);
            String path = keys.path(kv.getKey());
            if (path == null || !Paths.isAtOrBelow(path, prefix)) {
                continue;
            }
            if (e.getEventType() == WatchEvent.EventType.PUT) {
                String value = kv.getValue().toString(StandardCharsets.UTF_8);
                VersionedValue before = view.put(path, new VersionedValue(value, rev));
                changes.add(new ChangeEvent(before == null ? ChangeEvent.Type.ADDED : ChangeEvent.Type.UPDATED, path, value,
                        rev));
            } else if (e.getEventType() == WatchEvent.EventType.DELETE) {
                VersionedValue before = view.remove(path);
                changes.add(new ChangeEvent(ChangeEvent.Type.DELETED, path, before == null ? null : before.value(),
                        before == null ? -1 : before.version()));
            }
        }
    }

    private void onFailure(int gen, Throwable failure) {
        if (closed || gen != generation) {
            return;
        }
        closeStream();
        if (Failures.unwrap(failure) instanceof CompactedException) {
            LOG.info("[{}] watch on '{}': revision {} was compacted; re-reading the prefix", requests.where(), prefix,
                    revision + 1);
            resync();
        } else {
            LOG.debug("[{}] watch on '{}' failed ({}); resuming from revision {}", requests.where(), prefix,
                    Failures.status(failure).getCode(), revision + 1);
            reopenLater();
        }
    }

    private void onEnded(int gen) {
        if (closed || gen != generation) {
            return;
        }
        LOG.debug("[{}] watch stream on '{}' ended; resuming from revision {}", requests.where(), prefix, revision + 1);
        closeStream();
        reopenLater();
    }

    /** Re-reads the prefix, emits what the listener missed, and watches on from the read's revision. */
    private void resync() {
        if (closed) {
            return;
        }
        GetResponse r;
        try {
            r = read();
        } catch (RuntimeException e) {
            LOG.debug("[{}] re-reading '{}' after compaction failed: {}", requests.where(), prefix, e.toString());
            schedule(this::resync);
            return;
        }
        Map<String, VersionedValue> now = snapshot(r);
        List<ChangeEvent> missed = new ArrayList<>();
        for (Map.Entry<String, VersionedValue> old : view.entrySet()) {
            if (!now.containsKey(old.getKey())) {
                missed.add(new ChangeEvent(ChangeEvent.Type.DELETED, old.getKey(), old.getValue().value(),
                        old.getValue().version()));
            }
        }
        for (Map.Entry<String, VersionedValue> e : now.entrySet()) {
            VersionedValue before = view.get(e.getKey());
            if (before == null || before.version() != e.getValue().version()) {
                missed.add(new ChangeEvent(before == null ? ChangeEvent.Type.ADDED : ChangeEvent.Type.UPDATED,
                        e.getKey(), e.getValue().value(), e.getValue().version()));
            }
        }
        viewLock.lock();
        try {
            view.clear();
            view.putAll(now);
            revision = r.getHeader().getRevision();
        } finally {
            viewLock.unlock();
        }
        LOG.info("[{}] watch on '{}' resynchronised at revision {}: {} missed change(s) emitted", requests.where(),
                prefix, revision, missed.size());
        missed.forEach(this::deliver);
        open();
    }

    private GetResponse read() {
        GetOption all = GetOption.builder().withRange(keys.subtreeEnd(prefix)).build();
        return requests.idempotent("watch", prefix, () -> kv.get(keys.subtreeStart(prefix), all));
    }

    private Map<String, VersionedValue> snapshot(GetResponse r) {
        Map<String, VersionedValue> out = new HashMap<>();
        for (KeyValue kv : r.getKvs()) {
            String path = keys.path(kv.getKey());
            if (path != null && Paths.isAtOrBelow(path, prefix)) {
                out.put(path, new VersionedValue(kv.getValue().toString(StandardCharsets.UTF_8), kv.getModRevision()));
            }
        }
        return out;
    }

    private void deliver(ChangeEvent event) {
        delivery.lock();
        try {
            if (!closed) {
                listener.onEvent(event);
            }
        } catch (RuntimeException e) {
            LOG.warn("[{}] watch listener on '{}' threw on {} {}; delivery goes on", requests.where(), prefix,
                    event.type(), event.key(), e);
        } finally {
            delivery.unlock();
        }
    }

    private void closeStream() {
        generation++;
        Watch.Watcher w = watcher;
        watcher = null;
        if (w != null) {
            try {
                w.close();
            } catch (RuntimeException e) {
                LOG.debug("[{}] closing a watch stream: {}", requests.where(), e.toString());
            }
        }
    }

    private void reopenLater() {
        schedule(this::open);
    }

    private void schedule(Runnable task) {
        long delay = backoffMs;
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        try {
            thread.schedule(task, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("[{}] repository closed; watch on '{}' not resumed", requests.where(), prefix);
        }
    }

    private void execute(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("[{}] repository closed; watch work on '{}' dropped", requests.where(), prefix);
        }
    }
}
