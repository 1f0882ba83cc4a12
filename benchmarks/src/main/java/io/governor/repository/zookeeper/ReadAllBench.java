package io.governor.repository.zookeeper;

import io.governor.api.repository.Operation;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;

import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Guards the node-size cache of {@link Nodes#readAll}: an instance's re-read of one database (its
 * rules and props, the children of its data-source parent) as one read-only multi of nodes read
 * before, against the two pipelined rounds it falls back to. Both read the same nodes on the same
 * client and in-process server, in alternating blocks within one run, so machine load hits both
 * alike. Reports, per read, the median wall time over the blocks, the process CPU (client and
 * server: what a busy machine pays) and the requests the server received.
 *
 * <p>In this package to reach the package-private {@link Nodes}. Run (after {@code mvn -pl
 * benchmarks -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt}):
 * {@code java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)
 * io.governor.repository.zookeeper.ReadAllBench [blocks] [readsPerBlock] [dataSources]}.
 */
public final class ReadAllBench {

    private ReadAllBench() {
    }

    public static void main(String[] args) throws Exception {
        int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int reads = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int dataSources = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (TestingServer server = new TestingServer(true);
             CuratorFramework client = CuratorFrameworkFactory.builder().connectString(server.getConnectString())
                     .namespace("bench").retryPolicy(new RetryOneTime(100)).build()) {
            client.start();
            client.blockUntilConnected();
            Nodes nodes = new Nodes(client, false, Duration.ofSeconds(30));
            List<Operation> db = new ArrayList<>();
            db.add(Operation.put("/db/rules", "- !READWRITE_SPLITTING\n  primary: ds0\n  replicas: [ds1, ds2, ds3]\n".repeat(8)));
            db.add(Operation.put("/db/props", "drain-timeout: 30s\n"));
            for (int i = 0; i < dataSources; i++) {
                db.add(Operation.put("/db/ds/ds" + i, "jdbcUrl: jdbc:h2:mem:ds" + i + "\nusername: app\npassword: pw\n"
                        + "maximumPoolSize: 20\n"));
            }
            Transaction.commit(nodes, db);
            Set<String> keys = new LinkedHashSet<>(List.of("/db/rules", "/db/props"));
            Set<String> parents = Set.of("/db/ds");
            var expected = nodes.readAllPipelined(keys, parents); // learns the sizes
            if (!expected.equals(nodes.readAll(keys, parents))) {
                throw new IllegalStateException("the two reads disagree");
            }
            double[][] wall = new double[2][blocks];
            double[][] cpu = new double[2][blocks];
            double[][] requests = new double[2][blocks];
            for (int b = -2; b < blocks; b++) { // two warm-up rounds
                for (int mode = 0; mode < 2; mode++) {
                    long packets = received(server.getPort());
                    long cpu0 = os.getProcessCpuTime();
                    long t0 = System.nanoTime();
                    for (int r = 0; r < reads; r++) {
                        if (mode == 0) {
                            nodes.readAll(keys, parents);
                        } else {
                            nodes.readAllPipelined(keys, parents);
                        }
                    }
                    if (b >= 0) {
                        wall[mode][b] = (System.nanoTime() - t0) / 1e3 / reads;
                        cpu[mode][b] = (os.getProcessCpuTime() - cpu0) / 1e3 / reads;
                        requests[mode][b] = (received(server.getPort()) - packets) / (double) reads;
                    }
                }
            }
            System.out.printf("readAll of 2 keys + 1 parent with %d children, %d blocks x %d reads%n", dataSources,
                    blocks, reads);
            System.out.printf("| read | wall us p50 | process CPU us p50 | requests |%n|---|---|---|---|%n");
            String[] names = {"one multi (size cache)", "two pipelined rounds"};
            for (int mode = 0; mode < 2; mode++) {
                System.out.printf("| %s | %.0f | %.0f | %.1f |%n", names[mode], median(wall[mode]), median(cpu[mode]),
                        median(requests[mode]));
            }
            System.out.printf("saving of the cache: wall %.0f %%, CPU %.0f %%%n",
                    100 * (1 - median(wall[0]) / median(wall[1])), 100 * (1 - median(cpu[0]) / median(cpu[1])));
        }
        System.exit(0);
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Requests the server has received, from its {@code srvr} four-letter command (itself one). */
    private static long received(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            Matcher m = Pattern.compile("Received: (\\d+)").matcher(
                    new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            if (!m.find()) {
                throw new IllegalStateException("no 'Received' in srvr output");
            }
            return Long.parseLong(m.group(1));
        }
    }
}
