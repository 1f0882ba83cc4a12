package io.governor.repository.etcd;

import io.governor.api.repository.Repository;
import io.governor.test.WriteOutcomeContract;

import java.time.Duration;
import java.util.List;

/** The lost-answer contract's etcd client (10 s lease, short timeouts); the subclasses say which cluster it runs on. */
abstract class EtcdWriteOutcome extends WriteOutcomeContract {

    @Override
    protected Repository newRepository(String namespace, List<String> addresses) {
        return TestClients.connect(TestClients.urls(addresses), namespace, Duration.ofSeconds(10));
    }
}
