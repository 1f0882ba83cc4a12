package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.config.BootstrapMode;
import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.jdbc.JdbcRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Start-up of the databases of the local configuration under the bootstrap mode. The center is
 * written only with what this instance has checked and runs: a database that takes the local
 * configuration (bootstrap {@code local}, or {@code center} with nothing in the center) is checked
 * as an admin write is, its pools are built and must connect here, and only once every database has
 * started are the props and those databases written: {@code local} overwrites, {@code center} seeds
 * with compare-and-set, so of instances seeding an empty center at once exactly one writes and the
 * others switch to what it wrote. A start-up that fails leaves the center as it was; one that fails
 * on the center's configuration says so and where that configuration came from. A database that
 * takes the center's configuration starts on its last good revision when the current one cannot
 * start here, unless {@code governance.strictStartup} is on ({@link DatabaseGovernor#start}); a
 * database whose first configuration this instance wrote records it as the last good revision.
 *
 * <p>What it writes is kept in the history ({@link History}) as an admin's write is, with the
 * message {@link #LOCAL_MESSAGE} or {@link #SEED_MESSAGE} and this process's host and user; a
 * {@code local} start that leaves the content as it was keeps nothing.
 *
 * <p>Runs once, on the thread that builds {@link Governance}; blocks on the centers and the pool
 * checks.
 */
final class Bootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);
    /** The history message of a start-up that overwrote the center ({@code bootstrap: local}). */
    static final String LOCAL_MESSAGE = "start-up: local configuration written (bootstrap=local)";
    /** The history message of a start-up that seeded an empty center ({@code bootstrap: center}). */
    static final String SEED_MESSAGE = "start-up: center seeded from the local configuration (bootstrap=center)";

    private final GovernanceConfig cfg;
    private final ConfigService center;
    private final String namespace;

    Bootstrap(GovernanceConfig cfg, ConfigService center) {
        this.cfg = cfg;
        this.center = center;
        this.namespace = cfg.namespace();
    }

    /**
     * Starts every governor (on this thread), then writes to the center what took the local
     * configuration.
     *
     * @throws GovernanceException what failed, nothing of the local configuration written
     */
    void start(Map<String, DatabaseGovernor> governors) {
        boolean local = cfg.bootstrap() == BootstrapMode.LOCAL;
        var centerProps = center.loadProps();
        boolean writeProps = !cfg.props().values().isEmpty() && (local || centerProps.getValue().isEmpty());
        GovernanceProps props = writeProps ? cfg.props() : centerProps.getKey();
        List<String> pending = new ArrayList<>();
        for (Map.Entry<String, DatabaseGovernor> e : governors.entrySet()) {
            String db = e.getKey();
            DatabaseGovernor g = e.getValue();
            if (!local) {
                if (fromCenter(db, () -> inCenter(db))) {
                    fromCenter(db, () -> {
                        g.start(cfg.strictStartup());
                        return null;
                    });
                    LOG.info("[{}] database '{}': using the center's configuration; the local one is ignored (bootstrap=center)",
                            namespace, db);
                    continue;
                }
            }
            fromLocal(db, () -> {
                DatabaseConfig mine = cfg.databases().get(db);
                center.validate(db, mine);
                JdbcRuntime.checkAll(db, mine);
                g.startWith(mine, props);
            });
            pending.add(db);
        }
        if (writeProps) {
            boolean same = centerProps.getKey().equals(cfg.props()) && !centerProps.getValue().isEmpty();
            center.writeProps(cfg.props(), local ? null : "", same ? null : center.history().propsEntry(cfg.props(),
                    local ? LOCAL_MESSAGE : SEED_MESSAGE, RevisionRecord.Outcome.PUBLISHED));
        }
        for (String db : pending) {
            DatabaseConfig mine = cfg.databases().get(db);
            if (local) {
                boolean same = centerProps.getKey().equals(props) && holds(db, mine);
                center.overwrite(db, mine, null, List.of(), same ? null
                        : center.history().entry(db, mine, props, LOCAL_MESSAGE, RevisionRecord.Outcome.PUBLISHED));
                LOG.info("[{}] database '{}': local configuration written to the center (bootstrap=local)", namespace, db);
                governors.get(db).recordLastGoodIfAbsent();
            } else if (center.seed(db, mine, center.history().entry(db, mine, props, SEED_MESSAGE, RevisionRecord.Outcome.PUBLISHED))) {
                LOG.info("[{}] database '{}': center had no configuration; seeded it from the local one, checked and"
                        + " connected here (bootstrap=center)", namespace, db);
                governors.get(db).recordLastGoodIfAbsent();
            } else {
                LOG.info("[{}] database '{}': another instance seeded the center first; using the center's configuration"
                        + " (bootstrap=center)", namespace, db);
                fromCenter(db, () -> {
                    governors.get(db).start(cfg.strictStartup());
                    return null;
                });
            }
        }
    }

    /**
     * Whether the center holds exactly {@code config} for the database already: a restart under
     * {@code bootstrap: local} that changes nothing keeps no history entry (else every restart of
     * every instance would push real changes out of the bounded history). A read that fails counts
     * as "no".
     */
    private boolean holds(String db, DatabaseConfig config) {
        try {
            DatabaseSnapshot s = center.load(db);
            return s.exists() && s.config().equals(config);
        } catch (GovernanceException e) {
            return false;
        }
    }

    /**
     * Whether the center has configuration for {@code db}: also when it does not read
     * ({@code INVALID_CONFIG}), for {@link DatabaseGovernor#start} to fail on or fall back from.
     */
    private boolean inCenter(String db) {
        try {
            return center.load(db).exists();
        } catch (GovernanceException e) {
            if (e.code() != ErrorCode.INVALID_CONFIG) {
                throw e;
            }
            return true;
        }
    }

    private <T> T fromCenter(String db, Supplier<T> step) {
        try {
            return step.get();
        } catch (GovernanceException e) {
            RepositoryConfig c = cfg.effectiveConfigCenter();
            throw new GovernanceException(e.code(), "database '" + db + "': the center's configuration was used"
                    + " (bootstrap: center, " + c.type() + " at " + withoutUserInfo(c.serverLists()) + ", namespace '"
                    + namespace + "'), not the local one; change it with GovernanceAdmin: " + e.getMessage(), e);
        }
    }

    private void fromLocal(String db, Runnable step) {
        try {
            step.run();
        } catch (GovernanceException e) {
            throw new GovernanceException(e.code(), "database '" + db + "': the local configuration (bootstrap: "
                    + cfg.bootstrap().name().toLowerCase(java.util.Locale.ROOT) + ") failed its check here and was not"
                    + " written to the center: " + e.getMessage(), e);
        }
    }

    /** Server lists without {@code user:password@} parts. */
    static String withoutUserInfo(String serverLists) {
        return serverLists == null ? "" : serverLists.replaceAll("[^,/@\\s]+@", "");
    }
}
