package io.governor.core;

import io.governor.api.GovernanceException;
import io.governor.api.event.ConfigurationEvent;
import io.governor.api.event.GovernanceListener;
import io.governor.api.event.StateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Consumer;

/**
 * Calls governance listeners for configuration and state events, catching and logging whatever
 * they throw. Immutable and thread-safe.
 */
final class Listeners {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<GovernanceListener> all;

    Listeners(List<GovernanceListener> all) {
        this.all = List.copyOf(all);
    }

    List<GovernanceListener> all() {
        return all;
    }

    void applied(ConfigurationEvent e) {
        each(l -> l.configurationApplied(e));
    }

    void rejected(ConfigurationEvent e, GovernanceException error) {
        each(l -> l.configurationRejected(e, error));
    }

    void state(StateEvent e) {
        each(l -> l.stateChanged(e));
    }

    private void each(Consumer<GovernanceListener> call) {
        for (GovernanceListener l : all) {
            try {
                call.accept(l);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("listener {} threw; ignored", l.getClass().getName(), e);
            }
        }
    }
}
