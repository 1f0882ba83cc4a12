package io.governor.core;

import io.governor.api.config.DatabaseConfig;
import io.governor.api.config.GovernanceProps;

import java.util.Set;

/**
 * What a {@link DatabaseGovernor} drives for one database: the governed DataSource's pools and
 * routing. {@link #apply} and {@link #setDisabled} are called from that database's governance
 * thread; {@link #setCircuitBroken} from whichever thread sees the operator's change.
 */
interface DatabaseRuntime extends AutoCloseable {

    /**
     * Applies a complete, validated configuration as a whole, or throws and keeps running the
     * previous one.
     *
     * @throws io.governor.api.GovernanceException naming what could not be applied
     */
    void apply(DatabaseConfig config, GovernanceProps props, String revision);

    /** Sets the data sources operators disabled. */
    void setDisabled(Set<String> disabled);

    /** Sets whether this instance is circuit-broken; callable from any thread, takes effect at once. */
    void setCircuitBroken(boolean broken);

    /**
     * Asks listeners that do not observe JDBC yet whether they do now (see
     * {@link io.governor.api.event.GovernanceListener#observesJdbc()}); called from the governance
     * thread every few seconds while it returns true.
     *
     * @return whether some listener still does not observe JDBC
     */
    default boolean refreshObservers() {
        return false;
    }

    @Override
    void close();
}
