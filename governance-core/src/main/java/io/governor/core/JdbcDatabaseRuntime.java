package io.governor.core;

import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;
import io.governor.core.jdbc.JdbcRuntime;

import java.util.Set;

/** Drives a database's {@link JdbcRuntime} (pools, routing, circuit breaker) from its governor. */
final class JdbcDatabaseRuntime implements DatabaseRuntime {

    private final JdbcRuntime runtime;

    JdbcDatabaseRuntime(JdbcRuntime runtime) {
        this.runtime = runtime;
    }

    JdbcRuntime jdbc() {
        return runtime;
    }

    @Override
    public void apply(DatabaseConfig config, GovernanceProps props, String revision) {
        runtime.apply(config, props, revision);
    }

    @Override
    public void setDisabled(Set<String> disabled) {
        runtime.setDisabled(disabled);
    }

    @Override
    public void setCircuitBroken(boolean broken) {
        runtime.setCircuitBroken(broken);
    }

    @Override
    public boolean refreshObservers() {
        return runtime.refreshObservers();
    }

    @Override
    public void close() {
        runtime.close();
    }
}
