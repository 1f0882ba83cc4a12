package io.governor.test;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Repository;
import io.governor.api.repository.VersionedValue;
import io.governor.test.RegisterHistory.Kind;
import io.governor.test.RegisterHistory.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of writes whose answer is lost: a write either has a known outcome or fails with
 * {@code OUTCOME_UNKNOWN} (or {@code TIMEOUT}), never a wrong one. Several clients, each connected
 * through its own {@link TcpProxy}, read, put, delete and compare-and-set one key (a compare-and-set
 * from an absent key creates it) while, every few hundred
 * milliseconds, one client's connections are cut, every other time after 100 ms in which its
 * requests reach the server and the answers are dropped ({@link TcpProxy#loseAnswers()}); every operation's invocation and outcome is recorded
 * and the history is checked for linearizability against a compare-and-set register
 * ({@link RegisterHistory}). A compare-and-set that reports "not written" for a write that landed, or
 * a write applied twice, makes the history non-linearizable.
 *
 * <p>Errors other than {@code OUTCOME_UNKNOWN} and {@code TIMEOUT} count as "certainly not applied":
 * {@code UNAVAILABLE} (nothing was sent), {@code CONFLICT} (every attempt refused).
 *
 * <p>A backend module extends this in an {@code *IT} and says how to reach its server(s) through
 * proxies; a suite on a cluster also overrides {@link #loseLeader()}. The run lasts
 * {@code -Dgovernor.faults.seconds} (default 8) seconds.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class WriteOutcomeContract extends FaultRun {

    private static final String KEY = "/register";
    private static final int CLIENTS = 4;
    /** The most operations recorded per second of run time, which keeps the check quick. */
    private static final int MAX_OPS_PER_SECOND = 1_000;

    /**
     * A client in {@code namespace} connected to the servers at {@code addresses} (loopback
     * {@code host:port} of proxies, one per server, in the order of {@link #servers()}), with short
     * timeouts so that a cut is noticed within about a second.
     */
    protected abstract Repository newRepository(String namespace, List<String> addresses) throws Exception;

    /**
     * Called once in the middle of the run: a cluster suite kills the leader (and starts it again);
     * returns whether it did anything. Default: nothing.
     */
    protected boolean loseLeader() throws Exception {
        return false;
    }

    /**
     * Reads the register for the history. The default is {@code get}; a backend whose reads may lag
     * (ZooKeeper reads from the server the client is connected to) overrides it to read
     * linearizably, since the check is about the outcomes of writes, not the freshness of reads.
     */
    protected String linearizableRead(Repository r, String key) throws Exception {
        return r.get(key).map(VersionedValue::value).orElse(null);
    }

    @Test
    void registerHistoryStaysLinearizableWhileConnectionsAreCut() throws Exception {
        String namespace = newNamespace("wo-");
        List<String> servers = servers();
        Repository setup = track(newRepository(namespace, servers));
        setup.put(KEY, "0");

        List<List<TcpProxy>> proxies = new ArrayList<>();
        List<Repository> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            List<TcpProxy> mine = new ArrayList<>();
            for (String server : servers) {
                mine.add(track(TcpProxy.start(server)));
            }
            proxies.add(mine);
            clients.add(track(newRepository(namespace, mine.stream().map(TcpProxy::address).toList())));
        }

        RegisterHistory history = new RegisterHistory("0");
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        long end = System.nanoTime() + runTime().toNanos();
        int maxOps = (int) Math.min(Integer.MAX_VALUE, MAX_OPS_PER_SECOND * runTime().toSeconds());
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int process = c;
            Repository r = clients.get(c);
            Thread t = new Thread(() -> work(process, r, history, stop, unexpected, maxOps), "governor-test-register-" + c);
            t.setUncaughtExceptionHandler((thread, e) -> unexpected.add(thread.getName() + ": " + e));
            workers.add(t);
            t.start();
        }
        boolean leaderLost = false;
        int cuts;
        try (ConnectionCuts faults = ConnectionCuts.start(proxies)) {
            Await.until(runTime().plusSeconds(60), "half of the run", () -> System.nanoTime() > end - runTime().toNanos() / 2
                    || history.size() >= maxOps / 2);
            leaderLost = loseLeader();
            Await.until(runTime().plusSeconds(60), "the end of the run", () -> System.nanoTime() > end
                    || history.size() >= maxOps);
            cuts = faults.cuts();
        }
        stop.set(true);
        for (Thread t : workers) {
            t.join(TimeUnit.SECONDS.toMillis(90));
            assertTrue(!t.isAlive(), t.getName() + " did not stop");
        }
        long last = history.invoke();
        String finalValue = linearizableRead(setup, KEY);
        history.record(CLIENTS, Kind.READ, null, finalValue, false, Outcome.OK, last);

        assertTrue(unexpected.isEmpty(), () -> "errors that are neither a known outcome nor OUTCOME_UNKNOWN: "
                + unexpected);
        long ok = history.count(Outcome.OK);
        assertTrue(ok >= 50, "too few completed operations to say anything: " + ok + " of " + history.ops().size());
        int cutCount = cuts;
        assertTrue(cuts >= 4, () -> "too few connection cuts: " + cutCount);
        String verdict = history.check();
        String counts = history.ops().size() + " operations, " + ok + " completed, " + history.count(Outcome.UNKNOWN)
                + " unknown, " + history.count(Outcome.FAIL) + " failed, " + cuts + " cuts"
                + (leaderLost ? ", leader lost" : "");
        assertNull(verdict, () -> verdict + "\n(" + counts + ")");
        LoggerFactory.getLogger(WriteOutcomeContract.class).info("linearizable register history: {}", counts);
    }

    private void work(int process, Repository r, RegisterHistory history, AtomicBoolean stop,
                             ConcurrentLinkedQueue<String> unexpected, int maxOps) {
        String known = "0";
        int n = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stop.get() && history.size() < maxOps) {
            int dice = random.nextInt(10);
            long invoked = history.invoke();
            String value = "p" + process + "-" + (++n);
            try {
                if (dice < 4) {
                    String read = linearizableRead(r, KEY);
                    history.record(process, Kind.READ, null, read, false, Outcome.OK, invoked);
                    known = read;
                } else if (dice < 6) {
                    r.put(KEY, value);
                    history.record(process, Kind.WRITE, null, value, false, Outcome.OK, invoked);
                } else if (dice < 7) {
                    r.delete(KEY);
                    history.record(process, Kind.WRITE, null, null, false, Outcome.OK, invoked);
                } else {
                    boolean swapped = r.compareAndSet(KEY, known, value);
                    history.record(process, Kind.CAS, known, value, swapped, Outcome.OK, invoked);
                    if (swapped) {
                        known = value;
                    }
                }
            } catch (Exception e) {
                if (!(e instanceof GovernanceException g)) {
                    unexpected.add(e.toString());
                    continue;
                }
                Kind kind = dice < 4 ? Kind.READ : dice < 7 ? Kind.WRITE : Kind.CAS;
                Outcome outcome = outcomeOf(g);
                if (outcome == null) {
                    unexpected.add(g.toString());
                    outcome = Outcome.UNKNOWN;
                }
                history.record(process, kind, kind == Kind.CAS ? known : null,
                        kind == Kind.READ || dice == 6 ? null : value, false,
                        kind == Kind.READ ? Outcome.FAIL : outcome, invoked);
            }
        }
    }

    /** What an error says about whether the write applied; null for an error the contract does not allow here. */
    private static Outcome outcomeOf(GovernanceException e) {
        ErrorCode code = e.code();
        if (code == ErrorCode.OUTCOME_UNKNOWN || code == ErrorCode.TIMEOUT) {
            return Outcome.UNKNOWN;
        }
        if (code == ErrorCode.UNAVAILABLE || code == ErrorCode.CONFLICT) {
            return Outcome.FAIL;
        }
        return null;
    }

}
