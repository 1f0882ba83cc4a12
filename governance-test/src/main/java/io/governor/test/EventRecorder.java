package io.governor.test;

import io.governor.api.repository.ChangeEvent;
import io.governor.api.repository.Paths;
import io.governor.api.repository.WatchListener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A {@link WatchListener} that records every event it receives, and the threads it ran on, for
 * assertions. Thread-safe; the awaiting methods block up to the given deadline.
 */
public final class EventRecorder implements WatchListener {

    private final List<ChangeEvent> events = new ArrayList<>();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    @Override
    public void onEvent(ChangeEvent event) {
        threads.add(Thread.currentThread());
        synchronized (events) {
            events.add(event);
        }
    }

    /** A copy of every event received so far, in arrival order. */
    public List<ChangeEvent> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    /** The events received so far for exactly {@code key}, in arrival order. */
    public List<ChangeEvent> eventsFor(String key) {
        return events().stream().filter(e -> e.key().equals(key)).toList();
    }

    /**
     * The store as the listener sees it: every event replayed in order into a sorted map of key to
     * value ({@code ADDED}/{@code UPDATED} set, {@code DELETED} removes). Keys below
     * {@code underPrefix} only.
     */
    public Map<String, String> view(String underPrefix) {
        Map<String, String> view = new TreeMap<>();
        for (ChangeEvent e : events()) {
            if (!Paths.isAtOrBelow(e.key(), underPrefix)) {
                continue;
            }
            if (e.type() == ChangeEvent.Type.DELETED) {
                view.remove(e.key());
            } else {
                view.put(e.key(), e.value());
            }
        }
        return view;
    }

    /** The threads the listener ran on. */
    public Set<Thread> threads() {
        return Set.copyOf(threads);
    }

    /** Waits up to {@link Await#DEFAULT} for an event matching {@code match} and returns the first one. */
    public ChangeEvent await(String description, Predicate<ChangeEvent> match) {
        return await(Await.DEFAULT, description, match);
    }

    /** Waits up to {@code timeout} for an event matching {@code match} and returns the first one. */
    public ChangeEvent await(Duration timeout, String description, Predicate<ChangeEvent> match) {
        try {
            return Await.value(timeout, description, () -> events().stream().filter(match).findFirst());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; events received: " + this, e.getCause());
        }
    }

    /** Waits for an event of {@code type} for {@code key} and returns the first one. */
    public ChangeEvent await(ChangeEvent.Type type, String key) {
        return await(type + " " + key, e -> e.type() == type && e.key().equals(key));
    }

    /** Waits for an event of {@code type} for {@code key} carrying {@code value} and returns the first one. */
    public ChangeEvent await(ChangeEvent.Type type, String key, String value) {
        return await(type + " " + key + " = " + value,
                e -> e.type() == type && e.key().equals(key) && value.equals(e.value()));
    }

    @Override
    public String toString() {
        List<ChangeEvent> copy = events();
        int from = Math.max(0, copy.size() - 20);
        return (from > 0 ? "... " : "") + copy.subList(from, copy.size());
    }
}
