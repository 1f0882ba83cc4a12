package io.governor.bench.scale;

import io.governor.api.config.DataSourceConfig;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.RawCenter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Writes the scale fixture into one namespace through a few repository clients: data source nodes
 * of one database (persistent, the YAML core writes) and instance status nodes (ephemeral, in the
 * status document's form that an instance writes, so the admin sees them as real instances). The status
 * nodes live as long as these clients. Not thread-safe; {@link #close()} removes the ephemerals.
 */
final class Fixture implements AutoCloseable {

    static final String DB = "db";
    /** One in-memory H2 database shared by every pool; tiny pools that open nothing until asked. */
    static final DataSourceConfig DATA_SOURCE = DataSourceConfig.of("jdbc:h2:mem:scale;DB_CLOSE_DELAY=-1", "sa", "")
            .with("maximumPoolSize", "1").with("minimumIdle", "0");

    private final List<RegistryRepository> clients = new ArrayList<>();
    private final ExecutorService pool;
    private int dataSources;
    private int instances;

    Fixture(RepositoryConfig config, int clientCount) {
        pool = Executors.newFixedThreadPool(clientCount);
        for (int i = 0; i < clientCount; i++) {
            RegistryRepository r = RawCenter.connectRegistryCenter(config, "fixture", Duration.ofSeconds(30));
            clients.add(r);
        }
        clients.get(0).put(RawCenter.rules(DB), RawCenter.rulesYaml(List.of()));
    }

    static String dataSourceName(int i) {
        return String.format("ds%05d", i);
    }

    /** Adds data source nodes up to {@code total}. */
    void dataSources(int total) throws Exception {
        String yaml = RawCenter.dataSourceYaml(DATA_SOURCE);
        parallel(dataSources, total, (i, c) -> clients.get(c).put(RawCenter.dataSource(DB, dataSourceName(i)), yaml));
        dataSources = total;
    }

    /** Adds registered instances (ephemeral status nodes) up to {@code total}. */
    void instances(int total) throws Exception {
        Instant started = Instant.now();
        parallel(instances, total, (i, c) -> {
            String host = String.format("10.1.%d.%d", i / 250, i % 250);
            String id = String.format("%s@%d@%08x", host, 1000 + i, i * 2654435761L & 0xffffffffL);
            clients.get(c).putEphemeral(RawCenter.instanceStatus(id), statusDocument(host, 1000 + i, started));
        });
        instances = total;
    }

    /** What an ONLINE instance that applied one database writes (core's status document). */
    private String statusDocument(String host, long pid, Instant started) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("host", host);
        doc.put("pid", Long.toString(pid));
        doc.put("started", started.toString());
        doc.put("version", "0.1.0-SNAPSHOT");
        doc.put("state", "ONLINE");
        doc.put("databases", Map.of(DB, Map.of("appliedRevision", "rev-0123456789abcdef")));
        return RawCenter.statusYaml(doc);
    }

    private interface Write {
        void write(int index, int client);
    }

    private void parallel(int from, int to, Write w) throws Exception {
        List<Future<?>> fs = new ArrayList<>();
        int n = clients.size();
        for (int c = 0; c < n; c++) {
            int client = c;
            IntConsumer one = i -> w.write(i, client);
            fs.add(pool.submit(() -> {
                for (int i = from + client; i < to; i += n) {
                    one.accept(i);
                }
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        clients.forEach(RegistryRepository::close);
    }
}
