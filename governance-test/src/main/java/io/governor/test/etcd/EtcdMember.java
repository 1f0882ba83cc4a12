package io.governor.test.etcd;

import io.governor.test.Backoff;
import io.governor.test.Processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One etcd process of an {@link EtcdCluster}: its ports, data directory, log file and process. */
final class EtcdMember {

    private static final int LOG_TAIL_LINES = 30;

    private final String binary;
    private final String name;
    private final Path dataDir;
    private final Path logFile;
    private final int clientPort;
    private final int peerPort;
    private final int metricsPort;
    private final EtcdCluster.Tls tls;
    private final String initialCluster;
    private final String token;
    private Process process;

    EtcdMember(String binary, String name, Path dir, int[] ports, String initialCluster, String token,
               EtcdCluster.Tls tls) {
        this.binary = binary;
        this.name = name;
        this.dataDir = dir.resolve("data");
        this.logFile = dir.resolve("etcd.log");
        this.clientPort = ports[0];
        this.peerPort = ports[1];
        this.metricsPort = ports[2];
        this.tls = tls;
        this.initialCluster = initialCluster;
        this.token = token;
    }

    String clientUrl() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
    }

    /** Plain-HTTP URL for {@code /health} and {@code /metrics}, whatever the client URL's TLS. */
    private String metricsUrl() {
        return "http://127.0.0.1:" + metricsPort;
    }

    int clientPort() {
        return clientPort;
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    void launch() {
        String peerUrl = "http://127.0.0.1:" + peerPort;
        List<String> command = new ArrayList<>(List.of(binary,
                "--name", name,
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", clientUrl(),
                "--advertise-client-urls", clientUrl(),
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", token,
                "--logger", "zap",
                "--log-outputs", "stderr",
                "--log-level", "warn",
                "--listen-metrics-urls", metricsUrl()));
        if (tls != null) {
            command.addAll(List.of("--cert-file", tls.certFile().toString(), "--key-file", tls.keyFile().toString(),
                    "--trusted-ca-file", tls.caFile().toString()));
            if (tls.clientCertAuth()) {
                command.add("--client-cert-auth");
            }
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        try {
            Files.createDirectories(logFile.getParent());
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start etcd member " + name + " (" + binary + ")", e);
        }
    }

    void kill() {
        Processes.stop(process, true, "etcd member " + name);
    }

    void stop() {
        Processes.stop(process, false, "etcd member " + name);
    }

    /** Waits until this member reports itself healthy (it sees a leader) or the deadline passes. */
    void awaitHealthy(long deadlineNanos, boolean authEnabled) {
        EtcdGateway gw = new EtcdGateway(metricsUrl());
        Backoff backoff = new Backoff();
        String last = "no answer";
        while (true) {
            if (!isRunning()) {
                throw new IllegalStateException("etcd member " + name + " exited with code " + process.exitValue()
                        + " while starting; log tail:\n" + logTail());
            }
            try {
                last = gw.get("/health");
                if (last.contains("\"health\":\"true\"") || (authEnabled && last.contains("\"health\""))) {
                    return;
                }
            } catch (UncheckedIOException e) {
                last = e.getCause().toString();
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException("etcd member " + name + " at " + clientUrl()
                        + " not healthy in time (last answer: " + last + "); log tail:\n" + logTail());
            }
            backoff.pause();
        }
    }

    /** Whether this member is the leader now, from its {@code /metrics}. */
    boolean isLeader() {
        try {
            return new EtcdGateway(metricsUrl()).get("/metrics").lines().anyMatch("etcd_server_is_leader 1"::equals);
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    String logTail() {
        return Processes.tail(logFile, LOG_TAIL_LINES);
    }
}
