package io.governor.bench.failure;

import io.governor.api.config.GovernanceConfig;
import io.governor.api.repository.RepositoryConfig;
import io.governor.bench.support.BenchContext;
import io.governor.bench.support.Stats;
import io.governor.core.GovernanceAdmin;
import io.governor.core.InstanceInfo;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Failure detection (issue 8, item 3): a governed instance's process dies without closing; how long
 * until the admin's instance list ({@link GovernanceAdmin#instances()}) stops showing it, against the
 * configured session timeout (ZooKeeper {@code sessionTimeout}) or lease TTL (etcd {@code leaseTtl}).
 *
 * <p>Each victim is a separate JVM ({@link Victim}) started with this JVM's java and class path; it
 * prints its instance id when registered. Victims start in batches (JVM start-up dominates), are
 * seen by the admin, and are then killed with SIGKILL ({@link Process#destroyForcibly()}) one after
 * the other, {@link #KILL_SPACING} apart, while the admin lists instances every {@link #POLL} in
 * this JVM. A sample is the time from just before the kill to the end of the first listing that no
 * longer shows the instance (an upper bound: the disappearance happened during or before that
 * listing). The memory backend lives inside one JVM, so it has nothing to measure here.
 *
 * <p>Not thread-safe; run from the benchmark's main thread.
 */
public final class FailureDetection {

    /** The configured session timeout / lease TTL. */
    static final Duration CONFIGURED = Duration.ofSeconds(4);
    /** The target: detection within the configured value plus this. */
    static final Duration SLACK = Duration.ofSeconds(1);
    /** Admin listing period. */
    static final Duration POLL = Duration.ofMillis(20);
    /** Time between two kills of one batch (not a multiple of ZooKeeper's 500 ms tick). */
    static final Duration KILL_SPACING = Duration.ofMillis(1130);
    private static final int BATCH = 5;

    private FailureDetection() {
    }

    public static void run(BenchContext ctx) throws Exception {
        int samples = ctx.pick(5, 15);
        StringBuilder md = new StringBuilder();
        md.append("### Failure detection: instance process killed (SIGKILL) → gone from `GovernanceAdmin.instances()`\n\n");
        md.append("Configured session timeout / lease TTL: ").append(CONFIGURED.toSeconds()).append(" s; target: detection ≤ configured + ")
                .append(SLACK.toSeconds()).append(" s. Admin polls every ").append(POLL.toMillis())
                .append(" ms; each sample is one victim JVM killed with `Process.destroyForcibly()`.\n\n");
        md.append("| backend | property | samples | detection p50 / p99 / max (ms) | detection − configured p50 / max (ms) | within target |\n");
        md.append("|---|---|---|---|---|---|\n");
        List<String> notes = new ArrayList<>();
        for (String backend : ctx.backends()) {
            String property;
            String servers;
            switch (backend) {
                case "zookeeper" -> {
                    property = "sessionTimeout";
                    servers = ctx.servers().zookeeper();
                }
                case "etcd" -> {
                    property = "leaseTtl";
                    servers = ctx.servers().etcd();
                }
                default -> {
                    notes.add("`" + backend + "`: skipped (an in-process backend has no process to kill).");
                    continue;
                }
            }
            System.out.printf("failure: %s, %d victims%n", backend, samples);
            Result r = measure(backend, servers, property, samples);
            long configured = CONFIGURED.toNanos();
            long[] over = r.detections.stream().mapToLong(d -> d - configured).toArray();
            long within = r.detections.stream().filter(d -> d <= configured + SLACK.toNanos()).count();
            Stats s = Stats.of(r.detections);
            Stats o = Stats.of(over);
            md.append("| ").append(backend).append(" | `").append(property).append(": ").append(CONFIGURED.toSeconds())
                    .append("s` | ").append(s.count()).append(" | ").append(s.millis()).append(" | ")
                    .append(Stats.ms(o.p50Nanos())).append(" / ").append(Stats.ms(o.maxNanos())).append(" | ")
                    .append(within).append(" / ").append(s.count()).append(" |\n");
            if (r.undetected > 0) {
                notes.add("`" + backend + "`: " + r.undetected + " victim(s) still listed "
                        + (CONFIGURED.plus(Duration.ofSeconds(15))).toSeconds() + " s after the kill (not in the figures).");
            }
        }
        md.append("\n");
        if (samples < 100) {
            md.append("With fewer than 100 samples p99 is the largest sample. ");
        }
        md.append("A victim's last heartbeat comes at a random point before the kill (ZooKeeper pings after a third of the "
                + "timeout of idleness, Governor's etcd keep-alive runs every TTL / 3), so detection can be shorter than the "
                + "configured value; the server expires sessions in tick-sized buckets (ZooKeeper, 500 ms here) or checks "
                + "lease expiry periodically (etcd, every 500 ms).\n");
        ctx.report("failure", md, notes);
    }

    private record Result(List<Long> detections, int undetected) {
    }

    private static Result measure(String type, String servers, String property, int samples) throws Exception {
        String namespace = "failure" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        RepositoryConfig registry = RepositoryConfig.builder(type).serverLists(servers).property(property, CONFIGURED).build();
        List<Long> detections = new ArrayList<>();
        int undetected = 0;
        try (GovernanceAdmin admin = GovernanceAdmin.connect(GovernanceConfig.builder(namespace).registryCenter(registry).build())) {
            int left = samples;
            while (left > 0) {
                int n = Math.min(BATCH, left);
                left -= n;
                List<Child> victims = start(type, servers, namespace, property, n);
                try {
                    awaitListed(admin, victims);
                    undetected += killAndWatch(admin, victims, detections);
                } finally {
                    victims.forEach(v -> v.process.destroyForcibly());
                }
            }
        }
        return new Result(detections, undetected);
    }

    /** A started victim JVM and its instance id. */
    private static final class Child {
        final Process process;
        String instanceId;
        long killedAt;
        boolean done;

        Child(Process process) {
            this.process = process;
        }
    }

    private static List<Child> start(String type, String servers, String namespace, String property, int n)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        File log = new File(System.getProperty("java.io.tmpdir"), "governor-bench-victim.log");
        List<String> command = new ArrayList<>(List.of(java, "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                "-cp", System.getProperty("java.class.path"), Victim.class.getName(),
                type, servers, namespace, property, CONFIGURED.toSeconds() + "s"));
        if (type.equals("etcd")) {
            command.addAll(List.of("connectTimeout", "30s")); // JVMs starting together on a busy machine
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log));
        List<Child> victims = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            victims.add(new Child(pb.start()));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (int i = 0; i < victims.size(); i++) {
            Child v = victims.get(i);
            if (!ready(v, deadline)
                    && !ready(v = new Child(pb.start()), System.nanoTime() + TimeUnit.SECONDS.toNanos(60))) { // one more try
                victims.forEach(x -> x.process.destroyForcibly());
                v.process.destroyForcibly();
                throw new IllegalStateException("a victim JVM did not get ready twice; see " + log);
            }
            victims.set(i, v);
        }
        return victims;
    }

    /** Waits for the victim's {@code ready} line; false (and the victim killed) when it exits or the deadline passes. */
    private static boolean ready(Child v, long deadline) throws IOException, InterruptedException {
        BufferedReader out = new BufferedReader(new InputStreamReader(v.process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = readLine(out, v.process, deadline)) != null && !line.startsWith("ready ")) {
            // skip anything else the victim prints
        }
        if (line == null) {
            v.process.destroyForcibly();
            System.out.println("failure: a victim JVM did not get ready; starting another");
            return false;
        }
        v.instanceId = line.substring("ready ".length()).trim();
        return true;
    }

    private static String readLine(BufferedReader out, Process p, long deadline) throws IOException, InterruptedException {
        while (!out.ready()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                return out.ready() ? out.readLine() : null;
            }
            Thread.sleep(20);
        }
        return out.readLine();
    }

    private static Set<String> listed(GovernanceAdmin admin) {
        Set<String> ids = new HashSet<>();
        for (InstanceInfo i : admin.instances()) {
            ids.add(i.id());
        }
        return ids;
    }

    private static void awaitListed(GovernanceAdmin admin, List<Child> victims) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Set<String> ids = listed(admin);
            if (victims.stream().allMatch(v -> ids.contains(v.instanceId))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the admin does not list every started victim");
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    /** Kills the victims one by one and records when each leaves the listing; returns how many never did. */
    private static int killAndWatch(GovernanceAdmin admin, List<Child> victims, List<Long> detections) {
        long giveUp = CONFIGURED.plus(Duration.ofSeconds(15)).toNanos();
        int next = 0;
        long nextKill = System.nanoTime();
        int open = victims.size();
        int undetected = 0;
        while (open > 0) {
            long now = System.nanoTime();
            if (next < victims.size() && now >= nextKill) {
                Child v = victims.get(next++);
                v.killedAt = System.nanoTime();
                v.process.destroyForcibly();
                nextKill = v.killedAt + KILL_SPACING.toNanos();
            }
            Set<String> ids = listed(admin);
            long seen = System.nanoTime();
            for (Child v : victims) {
                if (v.killedAt == 0 || v.done) {
                    continue;
                }
                if (!ids.contains(v.instanceId)) {
                    detections.add(seen - v.killedAt);
                    v.done = true;
                    open--;
                } else if (seen - v.killedAt > giveUp) {
                    undetected++;
                    v.done = true;
                    open--;
                }
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        return undetected;
    }
}
