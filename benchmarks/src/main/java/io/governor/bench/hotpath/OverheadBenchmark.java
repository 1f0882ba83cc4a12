package io.governor.bench.hotpath;

import io.governor.api.config.DataSourceConfig;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.ReadwriteSplittingRule;
import io.governor.core.Governance;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Governor's own cost per connection, in nanoseconds: the hot path's calls ({@code getConnection}
 * + {@code SELECT 1} + close) through a governed DataSource over {@link NullPool}s, against the
 * same calls on a {@link NullPool} directly. The null pool costs a few nanoseconds, so the
 * difference is what Governor adds, with no H2 or HikariCP noise around it. Run by {@link HotPath}
 * next to the H2 benchmark, whose raw side it explains; not a test.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OverheadBenchmark {

    @Benchmark
    public int a_noRule_governed(GovernedPlain s) throws SQLException {
        return HotPathBenchmark.selectOne(s.dataSource, false);
    }

    @Benchmark
    public int a_noRule_raw(Raw s) throws SQLException {
        return HotPathBenchmark.selectOne(s.pool, false);
    }

    @Benchmark
    public int b_readOnly_governed(GovernedSplit s) throws SQLException {
        return HotPathBenchmark.selectOne(s.dataSource, true);
    }

    @Benchmark
    public int b_readOnly_raw(RawSplit s) throws SQLException {
        return HotPathBenchmark.selectOne(s.next(), true);
    }

    static DataSourceConfig nullPool() {
        return new DataSourceConfig(NullPool.class.getName(), Map.of("jdbcUrl", "jdbc:null:x", "username", "sa"));
    }

    @State(Scope.Benchmark)
    public static class Raw {
        final NullPool pool = new NullPool();
    }

    @State(Scope.Benchmark)
    public static class RawSplit {
        final NullPool[] replicas = {new NullPool(), new NullPool()};
        private int next;

        NullPool next() {
            return replicas[Math.floorMod(next++, replicas.length)];
        }
    }

    abstract static class GovernedNull {
        Governance governance;
        DataSource dataSource;

        void start(DatabaseConfig config) {
            governance = HotPathBenchmark.governance(config, false);
            dataSource = governance.dataSource(HotPathBenchmark.DATABASE);
        }

        @TearDown
        public void tearDown() {
            governance.close();
        }
    }

    @State(Scope.Benchmark)
    public static class GovernedPlain extends GovernedNull {
        @Setup
        public void setUp() {
            start(DatabaseConfig.empty().withDataSource("primary", nullPool()));
        }
    }

    @State(Scope.Benchmark)
    public static class GovernedSplit extends GovernedNull {
        @Setup
        public void setUp() {
            start(DatabaseConfig.empty()
                    .withDataSource("primary", nullPool())
                    .withDataSource("replica_0", nullPool())
                    .withDataSource("replica_1", nullPool())
                    .withRules(List.of(ReadwriteSplittingRule.of("primary", "replica_0", "replica_1"))));
        }
    }
}
