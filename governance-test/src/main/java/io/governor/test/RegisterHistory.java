package io.governor.test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The history of operations several clients made on one compare-and-set register (a key), and a
 * check that it is linearizable: that some order of the operations, each taking effect at one
 * instant between its invocation and its completion, explains every result.
 *
 * <p>Each operation is recorded with a logical invocation and completion time from one clock, and an
 * outcome: completed (with its result), failed (it certainly had no effect: left out of the check) or
 * unknown (it may have taken effect at any instant after its invocation, or never). The check is the
 * Wing–Gong search with Lowe's memoisation of (operations taken, register value): exact, and fast for
 * the few concurrent clients of a test.
 *
 * <p>Thread-safe: clients record concurrently; {@link #check} runs after they stopped.
 */
public final class RegisterHistory {

    /** What a recorded operation did. */
    public enum Kind { READ, WRITE, CAS }

    /** How a recorded operation ended. */
    public enum Outcome { OK, FAIL, UNKNOWN }

    /**
     * One operation. {@code value} is the value read (READ) or written (WRITE, CAS; null: absent, a
     * WRITE of null is a delete); {@code expected}
     * the CAS's expected value; {@code swapped} whether a completed CAS reported success.
     */
    public record Op(int process, Kind kind, String expected, String value, boolean swapped, Outcome outcome,
                     long invoked, long completed) {
        @Override
        public String toString() {
            String what = switch (kind) {
                case READ -> "read -> " + value;
                case WRITE -> value == null ? "delete" : "write " + value;
                case CAS -> "cas " + expected + " -> " + value + (outcome == Outcome.OK ? " = " + swapped : "");
            };
            return "p" + process + " [" + invoked + ".." + (outcome == Outcome.UNKNOWN ? "?" : completed) + "] " + what
                    + (outcome == Outcome.OK ? "" : " (" + outcome + ")");
        }
    }

    /** The longest search before {@link #check} gives up, so a pathological history cannot hang a test. */
    static final long MAX_STEPS = 20_000_000L;

    private final String initial;
    private final AtomicLong clock = new AtomicLong();
    private final List<Op> ops = new ArrayList<>();

    /** A history of a register that holds {@code initial} (null: absent) before any operation. */
    public RegisterHistory(String initial) {
        this.initial = initial;
    }

    /** Takes an invocation time; call it just before sending the operation. */
    public long invoke() {
        return clock.incrementAndGet();
    }

    /** Records an operation that ended now. */
    public void record(int process, Kind kind, String expected, String value, boolean swapped, Outcome outcome,
                       long invoked) {
        long completed = clock.incrementAndGet();
        synchronized (ops) {
            ops.add(new Op(process, kind, expected, value, swapped, outcome, invoked, completed));
        }
    }

    /** The operations recorded so far. */
    public List<Op> ops() {
        synchronized (ops) {
            return List.copyOf(ops);
        }
    }

    /** How many operations were recorded so far. */
    public int size() {
        synchronized (ops) {
            return ops.size();
        }
    }

    /** How many recorded operations ended with {@code outcome}. */
    public long count(Outcome outcome) {
        return ops().stream().filter(o -> o.outcome() == outcome).count();
    }

    /**
     * Checks the history.
     *
     * @return null when it is linearizable, otherwise why not: the completed operation that no order
     *         could place, with the operations around it
     * @throws IllegalStateException when the search passes {@link #MAX_STEPS}
     */
    public String check() {
        List<Op> kept = ops().stream().filter(o -> o.outcome() != Outcome.FAIL)
                .sorted(Comparator.comparingLong(Op::invoked)).toList();
        return new Search(initial, kept).run();
    }

    /** One run of the Wing–Gong search over a doubly linked list of call and return entries. */
    private static final class Search {
        private static final class Entry {
            final int op;
            final boolean call;
            final long time;
            Entry prev;
            Entry next;
            Entry match; // a call's return entry (null for an unknown outcome)

            Entry(int op, boolean call, long time) {
                this.op = op;
                this.call = call;
                this.time = time;
            }
        }

        private record Frame(Entry call, String before) {
        }

        private record Seen(BitSet taken, String value) {
        }

        private final String initial;
        private final List<Op> ops;
        private final Entry head = new Entry(-1, true, Long.MIN_VALUE);

        Search(String initial, List<Op> ops) {
            this.initial = initial;
            this.ops = ops;
            List<Entry> entries = new ArrayList<>();
            for (int i = 0; i < ops.size(); i++) {
                Entry call = new Entry(i, true, ops.get(i).invoked());
                entries.add(call);
                if (ops.get(i).outcome() == Outcome.OK) {
                    call.match = new Entry(i, false, ops.get(i).completed());
                    entries.add(call.match);
                }
            }
            entries.sort(Comparator.comparingLong(e -> e.time));
            Entry last = head;
            for (Entry e : entries) {
                last.next = e;
                e.prev = last;
                last = e;
            }
        }

        String run() {
            long completedLeft = ops.stream().filter(o -> o.outcome() == Outcome.OK).count();
            BitSet taken = new BitSet(ops.size());
            Set<Seen> seen = new HashSet<>();
            List<Frame> stack = new ArrayList<>();
            String value = initial;
            Entry entry = head.next;
            Entry deepestStuck = null;
            int deepest = -1;
            for (long steps = 0; completedLeft > 0; steps++) {
                if (steps > MAX_STEPS) {
                    throw new IllegalStateException("the linearizability search gave up after " + MAX_STEPS
                            + " steps over " + ops.size() + " operations");
                }
                if (entry != null && entry.call) {
                    Op op = ops.get(entry.op);
                    String after = apply(op, value);
                    if (after != NOT_LEGAL) {
                        BitSet next = (BitSet) taken.clone();
                        next.set(entry.op);
                        if (seen.add(new Seen(next, after))) {
                            stack.add(new Frame(entry, value));
                            taken = next;
                            value = after;
                            lift(entry);
                            if (op.outcome() == Outcome.OK) {
                                completedLeft--;
                            }
                            entry = head.next;
                            continue;
                        }
                    }
                    entry = entry.next;
                    continue;
                }
                // a completed operation not yet placed (or the end): what is placed so far cannot go on
                if (stack.size() > deepest) {
                    deepest = stack.size();
                    deepestStuck = entry;
                }
                if (stack.isEmpty()) {
                    return explain(deepestStuck);
                }
                Frame top = stack.remove(stack.size() - 1);
                unlift(top.call());
                taken = (BitSet) taken.clone();
                taken.clear(top.call().op);
                value = top.before();
                if (ops.get(top.call().op).outcome() == Outcome.OK) {
                    completedLeft++;
                }
                entry = top.call().next;
            }
            return null;
        }

        private static final String NOT_LEGAL = new String("not legal");

        /** The register's value after {@code op} when {@code op} can take effect on {@code value}, else NOT_LEGAL. */
        private static String apply(Op op, String value) {
            return switch (op.kind()) {
                case READ -> Objects.equals(op.value(), value) ? value : NOT_LEGAL;
                case WRITE -> op.value();
                case CAS -> {
                    boolean matches = Objects.equals(op.expected(), value);
                    if (op.outcome() == Outcome.UNKNOWN) {
                        yield matches ? op.value() : NOT_LEGAL; // a CAS that did not match had no effect: as if never run
                    }
                    yield op.swapped() == matches ? (matches ? op.value() : value) : NOT_LEGAL;
                }
            };
        }

        private static void lift(Entry call) {
            remove(call);
            if (call.match != null) {
                remove(call.match);
            }
        }

        private static void remove(Entry e) {
            e.prev.next = e.next;
            if (e.next != null) {
                e.next.prev = e.prev;
            }
        }

        private static void unlift(Entry call) {
            if (call.match != null) {
                restore(call.match);
            }
            restore(call);
        }

        private static void restore(Entry e) {
            e.prev.next = e;
            if (e.next != null) {
                e.next.prev = e;
            }
        }

        private String explain(Entry stuck) {
            if (stuck == null) {
                return "not linearizable";
            }
            Op op = ops.get(stuck.op);
            StringBuilder b = new StringBuilder("not linearizable: no order places ").append(op)
                    .append(" (register initially ").append(initial).append("); operations around it:");
            ops.stream().filter(o -> o.invoked() >= op.invoked() - 40 && o.invoked() <= op.completed() + 10)
                    .limit(60).forEach(o -> b.append("\n  ").append(o));
            if (op.kind() == Kind.READ && op.value() != null) {
                // where the value read came from, however long before: a write applied twice shows here
                b.append("\nthe operations that wrote ").append(op.value()).append(':');
                ops.stream().filter(o -> o.kind() != Kind.READ && op.value().equals(o.value()))
                        .forEach(o -> b.append("\n  ").append(o));
            }
            return b.toString();
        }
    }
}
