package io.governor.bench.propagation;

import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.bench.support.BenchContext;
import io.governor.bench.support.Stats;
import io.governor.core.Governance;
import io.governor.core.GovernanceAdmin;
import io.governor.core.RolloutPlan;
import io.governor.core.RolloutResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Rollout against direct write (issue 22): on N governed instances (default 50, each its own
 * {@link Governance} with its own client connection, all in this JVM), the time from just before the
 * admin call until every instance runs the new revision ({@link GovernanceAdmin#awaitConvergence}):
 * <ul>
 * <li><b>direct</b>: {@code updateRules}, then {@code awaitConvergence};</li>
 * <li><b>rollout</b>: {@code rollout} on one instance, promoted automatically once it applied the change,
 * then {@code awaitConvergence} of the promoted revision.</li>
 * </ul>
 * The two alternate in one run (direct, rollout, direct, ...), each change a new rule, the canary a different
 * instance each time. Not thread-safe; run from the benchmark's main thread.
 */
public final class RolloutTime {

    private static final String DB = "orders";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private RolloutTime() {
    }

    public static void run(BenchContext ctx) throws Exception {
        int n = Integer.getInteger("bench.rollout.instances", 50);
        int reps = Integer.getInteger("bench.rollout.repetitions", ctx.pick(3, 20));
        int warmup = Integer.getInteger("bench.rollout.warmup", ctx.pick(1, 5));
        StringBuilder md = new StringBuilder();
        md.append("## Rollout against direct write\n\n")
                .append("N governed instances (each its own `Governance` with its own client connection, all in one JVM). ")
                .append("Time from just before the admin call until `awaitConvergence` returns (every instance runs ")
                .append("the new revision). Direct: `updateRules`. Rollout: `rollout(db, next, RolloutPlan.instances(one))` ")
                .append("on one instance (a different one each time), promoted automatically once it runs the change; ")
                .append("\"canary\" is the part until that instance runs it and the promote is written (the `rollout` call ")
                .append("returns). The two alternate in one run, each change a new rule; ").append(warmup)
                .append(" unrecorded pair(s) first, then ").append(reps).append(" recorded pairs.\n\n")
                .append("| backend | N | direct p50 / max (ms) | rollout p50 / max (ms) | rollout: canary part p50 / max (ms) ")
                .append("| ratio p50 rollout / direct |\n")
                .append("|---|---|---|---|---|---|\n");
        for (String backend : ctx.backends()) {
            if (backend.equals("memory")) {
                continue; // one store, no network: the comparison says nothing there
            }
            long[][] r = measure(ctx, backend, n, reps, warmup);
            Stats direct = Stats.of(r[0]);
            Stats rollout = Stats.of(r[1]);
            Stats canary = Stats.of(r[2]);
            md.append("| ").append(backend).append(" | ").append(n)
                    .append(" | ").append(Stats.ms(direct.p50Nanos())).append(" / ").append(Stats.ms(direct.maxNanos()))
                    .append(" | ").append(Stats.ms(rollout.p50Nanos())).append(" / ").append(Stats.ms(rollout.maxNanos()))
                    .append(" | ").append(Stats.ms(canary.p50Nanos())).append(" / ").append(Stats.ms(canary.maxNanos()))
                    .append(" | ").append(String.format("%.1f", (double) rollout.p50Nanos() / direct.p50Nanos()))
                    .append(" |\n");
            System.out.printf("rollout %s N=%d: direct %s, rollout %s, canary part %s%n", backend, n, direct.millis(),
                    rollout.millis(), canary.millis());
        }
        md.append("\nWork, rollout beyond a direct write: the admin checks the change, reads the registry (to resolve ")
                .append("the chosen instance), writes the rollout node (one transaction); every instance re-reads the ")
                .append("database with it (the node is below the database), only the chosen one applies the candidate; ")
                .append("the admin waits on the status nodes, then promotes (one transaction) and every other instance ")
                .append("re-reads and applies. So a rollout costs at least two propagations and a status round trip ")
                .append("where a direct write costs one.\n");
        ctx.report("rollout", md.toString());
    }

    /** {direct, rollout, canary part} durations in nanoseconds, {@code reps} each. */
    private static long[][] measure(BenchContext ctx, String backend, int n, int reps, int warmup) throws Exception {
        String tag = backend + "-" + n + "-" + UUID.randomUUID().toString().substring(0, 8);
        DatabaseConfig orders = DatabaseConfig.empty()
                .withDataSource("primary", Propagation.h2(tag + "-primary"))
                .withDataSource("replica_0", Propagation.h2(tag + "-replica0"))
                .withDataSource("replica_1", Propagation.h2(tag + "-replica1"))
                .withRules(Propagation.rules(0));
        GovernanceConfig cfg = GovernanceConfig.builder("rollout-" + tag)
                .registryCenter(Propagation.center(ctx, backend, "bench-" + tag))
                .database(DB, orders).build();
        List<Governance> instances = new ArrayList<>();
        long[][] out = new long[3][reps];
        try (GovernanceAdmin admin = GovernanceAdmin.connect(cfg)) {
            for (int i = 0; i < n; i++) {
                instances.add(Governance.builder(cfg).serviceLoaderListeners(false).build());
            }
            for (int rep = -warmup; rep < reps; rep++) {
                int directRule = changeNumber(rep, 0);
                long t0 = System.nanoTime();
                String direct = admin.updateRules(DB, current -> Propagation.rules(directRule));
                admin.awaitConvergence(DB, direct, WAIT);
                long t1 = System.nanoTime();

                Governance canary = instances.get(Math.floorMod(rep, n));
                DatabaseConfig next = admin.database(DB).withRules(Propagation.rules(changeNumber(rep, 1)));
                long t2 = System.nanoTime();
                RolloutResult r = admin.rollout(DB, next, RolloutPlan.instances(canary.instanceId()).timeout(WAIT));
                long returned = System.nanoTime();
                if (r.outcome() != RolloutResult.Outcome.PROMOTED) {
                    throw new IllegalStateException("rollout " + backend + " N=" + n + ": " + r);
                }
                admin.awaitConvergence(DB, r.revision(), WAIT);
                long t3 = System.nanoTime();
                if (rep >= 0) {
                    out[0][rep] = t1 - t0;
                    out[1][rep] = t3 - t2;
                    out[2][rep] = returned - t2;
                }
            }
        } finally {
            instances.forEach(Governance::close);
        }
        return out;
    }

    /** A new rule for every change: even changes are direct writes, odd ones rollouts. */
    private static int changeNumber(int rep, int which) {
        return 2 * (rep + 1000) + which + 1;
    }
}
