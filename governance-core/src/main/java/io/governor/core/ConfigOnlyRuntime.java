package io.governor.core;

import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;

import java.util.Set;

/** A runtime that only records what it is given; used until the governed DataSource is wired. */
final class ConfigOnlyRuntime implements DatabaseRuntime {

    @Override
    public void apply(DatabaseConfig config, GovernanceProps props, String revision) {
    }

    @Override
    public void setDisabled(Set<String> disabled) {
    }

    @Override
    public void setCircuitBroken(boolean broken) {
    }

    @Override
    public void close() {
    }
}
