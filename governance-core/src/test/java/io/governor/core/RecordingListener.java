package io.governor.core;

import io.governor.api.GovernanceException;
import io.governor.api.event.ConfigurationEvent;
import io.governor.api.event.GovernanceListener;
import io.governor.api.event.StateEvent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records governance events for assertions. Thread-safe. */
final class RecordingListener implements GovernanceListener {

    final List<ConfigurationEvent> applied = new CopyOnWriteArrayList<>();
    final List<ConfigurationEvent> rejected = new CopyOnWriteArrayList<>();
    final List<GovernanceException> rejections = new CopyOnWriteArrayList<>();
    final List<StateEvent> states = new CopyOnWriteArrayList<>();

    @Override
    public void configurationApplied(ConfigurationEvent event) {
        applied.add(event);
    }

    @Override
    public void configurationRejected(ConfigurationEvent event, GovernanceException error) {
        rejected.add(event);
        rejections.add(error);
    }

    @Override
    public void stateChanged(StateEvent event) {
        states.add(event);
    }

    boolean sawState(StateEvent.Kind kind, String subject, String state) {
        return states.stream().anyMatch(s -> s.kind() == kind && s.subject().equals(subject) && s.state().equals(state));
    }
}
