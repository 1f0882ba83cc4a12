package io.governor.repository.etcd;

import io.etcd.jetcd.Client;
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
import io.governor.api.repository.VersionedValue;
import io.governor.api.repository.WatchListener;
import io.governor.api.repository.support.ListenerWatch;
import io.governor.api.repository.support.PrefixView;
import io.governor.api.repository.support.TimedRequests;
import io.governor.api.repository.support.WatchThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * A prefix watch that never loses or repeats an event. It starts from a read of the prefix at
 * revision R (the listener's initial view, not replayed) and watches from R + 1. When the stream
 * fails, ends (even silently) or the lease heartbeat reports a reconnect, it opens a new stream from
 * the last delivered revision + 1 and skips anything at or below it. When etcd has compacted that
 * revision away it re-reads the prefix and emits what its {@link PrefixView} says the listener missed
 * (deletions included, intermediate values coalesced). Streams "require leader", so a member that
 * loses its leader ends the stream instead of going quiet.
 *
 * <p>All state lives on the repository's watch thread, where the listener also runs; jetcd's
 * callbacks only hand work over to it. A whole watch response is applied to the view under its
 * monitor and delivered after: etcd sends one revision's events (one transaction) in one response,
 * so {@link #readLocally} sees the prefix as of one revision, and a listener reacting to an event
 * finds that event's whole response in it. Thread-safe.
 */
final class PrefixWatch extends ListenerWatch implements io.governor.api.repository.LocalReads {

    private static final Logger LOG = LoggerFactory.getLogger(PrefixWatch.class);
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 2000;

    private final Client client;
    private final Keys keys;
    private final TimedRequests requests;
    private final WatchThread thread;
    /** The listener's view: every key at or below the prefix as of {@link #revision}. */
    private final PrefixView view;

    private volatile Watch.Watcher watcher;
    private volatile int generation;
    private long revision;
    private long backoffMs = MIN_BACKOFF_MS;

    PrefixWatch(String prefix, WatchListener listener, Client client, Keys keys, TimedRequests requests,
                WatchThread thread) {
        super(requests.where(), prefix, listener);
        this.client = client;
        this.keys = keys;
        this.requests = requests;
        this.thread = thread;
        this.view = new PrefixView(prefix);
    }

    /** Reads the prefix (on the caller's thread) and opens the stream from the next revision. */
    void start() {
        load(false);
        thread.execute(this::open);
    }

    /** Opens a fresh stream from the last delivered revision + 1 (after a reconnect). */
    void restart() {
        thread.execute(this::open);
    }

    /** From the view as of the last watch response; empty after close and outside the prefix. */
    @Override
    public Optional<SortedMap<String, VersionedValue>> readLocally(Collection<String> keys, Collection<String> parents) {
        try {
            Optional<SortedMap<String, VersionedValue>> out = view.readLocally(keys, parents);
            return isClosed() ? Optional.empty() : out;
        } catch (GovernanceException e) { // names the repository and the watch's prefix
            throw requests.checks().error(e.code(), "readLocally", prefix(), e.getMessage(), e);
        }
    }

    @Override
    protected void onClose() {
        closeStream();
    }

    private void open() {
        if (isClosed()) {
            return;
        }
        closeStream();
        int gen = ++generation;
        WatchOption option = WatchOption.builder().withRange(keys.subtreeEnd(prefix())).withRevision(revision + 1)
                .withRequireLeader(true).build();
        watcher = client.getWatchClient().watch(keys.subtreeStart(prefix()), option, Watch.listener(
                response -> thread.execute(() -> onResponse(gen, response)),
                failure -> thread.execute(() -> onEnded(gen, failure)),
                () -> thread.execute(() -> onEnded(gen, null))));
        if (isClosed()) {
            closeStream();
        }
    }

    private void onResponse(int gen, WatchResponse response) {
        if (isClosed() || gen != generation) {
            return;
        }
        backoffMs = MIN_BACKOFF_MS;
        List<ChangeEvent> changes = new ArrayList<>();
        // the whole response under the view's monitor, then the events (see the class comment)
        synchronized (view) {
            long floor = revision;
            for (WatchEvent e : response.getEvents()) {
                KeyValue kv = e.getKeyValue();
                long rev = kv.getModRevision();
                if (rev <= floor) {
                    continue;
                }
                revision = Math.max(revision, rev);
                String path = keys.path(kv.getKey()); // null: not a path of this namespace
                if (path != null && e.getEventType() == WatchEvent.EventType.PUT) {
                    changes.add(view.put(path, Keys.value(kv)));
                } else if (path != null && e.getEventType() == WatchEvent.EventType.DELETE) {
                    changes.add(view.deleted(path));
                }
            }
        }
        deliver(changes);
    }

    /** The stream failed, or ({@code failure} null) ended: resume from the next revision, or resync after compaction. */
    private void onEnded(int gen, Throwable failure) {
        if (isClosed() || gen != generation) {
            return;
        }
        closeStream();
        if (failure != null && Failures.unwrap(failure) instanceof CompactedException) {
            LOG.info("[{}] watch on '{}': revision {} was compacted; re-reading the prefix", label(), prefix(),
                    revision + 1);
            resync();
        } else {
            LOG.debug("[{}] watch stream on '{}' {}; resuming from revision {}", label(), prefix(),
                    failure == null ? "ended" : "failed (" + Failures.status(failure).getCode() + ")", revision + 1);
            schedule(this::open);
        }
    }

    /** Re-reads the prefix, emits what the listener missed, and watches on from the read's revision. */
    private void resync() {
        if (isClosed()) {
            return;
        }
        List<ChangeEvent> missed;
        try {
            missed = load(true);
        } catch (RuntimeException e) {
            LOG.debug("[{}] re-reading '{}' after compaction failed: {}", label(), prefix(), e.toString());
            schedule(this::resync);
            return;
        }
        LOG.info("[{}] watch on '{}' resynchronised at revision {}: {} missed change(s) emitted", label(), prefix(),
                revision, missed.size());
        deliver(missed);
        open();
    }

    /**
     * Reads the prefix into the view and {@link #revision}; returns what the listener missed when
     * {@code emit} (see {@link PrefixView#replace}), else nothing (the listener's initial view).
     */
    private List<ChangeEvent> load(boolean emit) {
        GetOption all = GetOption.builder().withRange(keys.subtreeEnd(prefix())).build();
        GetResponse r = requests.idempotent("watch", prefix(),
                () -> client.getKVClient().get(keys.subtreeStart(prefix()), all));
        Map<String, VersionedValue> now = new HashMap<>();
        for (KeyValue kv : r.getKvs()) {
            String path = keys.path(kv.getKey());
            if (path != null) {
                now.put(path, Keys.value(kv));
            }
        }
        synchronized (view) {
            revision = r.getHeader().getRevision();
            if (emit) {
                return view.replace(now);
            }
            view.reset(now);
            return List.of();
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
                LOG.debug("[{}] closing a watch stream: {}", label(), e.toString());
            }
        }
    }

    /** Runs {@code task} on the watch thread after the backoff, which doubles up to its maximum. */
    private void schedule(Runnable task) {
        thread.schedule(task, Duration.ofMillis(backoffMs));
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    }
}
