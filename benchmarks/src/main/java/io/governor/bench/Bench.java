package io.governor.bench;

import io.governor.bench.failure.FailureDetection;
import io.governor.bench.hotpath.HotPath;
import io.governor.bench.locks.Locks;
import io.governor.bench.propagation.ControlPropagation;
import io.governor.bench.propagation.Propagation;
import io.governor.bench.propagation.RolloutTime;
import io.governor.bench.scale.Scale;
import io.governor.bench.support.BenchContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of {@code scripts/bench.sh}: {@code [quick|full] [all|area...] [--backends=a,b]}.
 * Runs the named areas one after the other in this JVM (JMH forks its own), each writing its table
 * to {@code benchmarks/results/<area>-<mode>.md}.
 */
public final class Bench {

    /** One measured area. */
    @FunctionalInterface
    public interface Area {
        void run(BenchContext ctx) throws Exception;
    }

    private static final Map<String, Area> AREAS = new LinkedHashMap<>();

    static {
        AREAS.put("hotpath", HotPath::run);
        AREAS.put("propagation", Propagation::run);
        AREAS.put("control", ControlPropagation::run);
        AREAS.put("failure", FailureDetection::run);
        AREAS.put("locks", Locks::run);
        AREAS.put("scale", Scale::run);
        AREAS.put("rollout", RolloutTime::run);
    }

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        String mode = "quick";
        List<String> areas = new ArrayList<>();
        List<String> backends = List.of("memory", "zookeeper", "etcd");
        for (String a : args) {
            if (a.equals("quick") || a.equals("full")) {
                mode = a;
            } else if (a.startsWith("--backends=")) {
                backends = List.of(a.substring("--backends=".length()).split(","));
            } else if (a.equals("all")) {
                areas.addAll(AREAS.keySet());
            } else if (AREAS.containsKey(a)) {
                areas.add(a);
            } else {
                System.err.println("unknown argument '" + a + "'; usage: scripts/bench.sh [quick|full] [all|"
                        + String.join("|", AREAS.keySet()) + "]... [--backends=memory,zookeeper,etcd]");
                System.exit(2);
            }
        }
        if (areas.isEmpty()) {
            areas.addAll(AREAS.keySet());
        }
        try (BenchContext ctx = new BenchContext(mode, backends)) {
            System.out.println("# Governor benchmarks, mode " + mode + ", on " + ctx.machine());
            for (String area : areas) {
                System.out.println();
                System.out.println("## " + area);
                long t0 = System.nanoTime();
                AREAS.get(area).run(ctx);
                System.out.printf("(%s took %.0f s)%n", area, (System.nanoTime() - t0) / 1e9);
            }
        }
        System.exit(0); // client libraries leave non-daemon threads behind
    }
}
