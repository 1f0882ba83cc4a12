package io.governor.repository.zookeeper;

import io.governor.api.repository.Repository;
import io.governor.test.WriteOutcomeContract;

import java.time.Duration;
import java.util.List;

/**
 * The lost-answer contract's ZooKeeper client (10 s sessions, reads after a {@code sync}); the
 * subclasses say which servers it runs on.
 */
abstract class ZooKeeperWriteOutcome extends WriteOutcomeContract {

    @Override
    protected String linearizableRead(Repository r, String key) {
        return ZooKeeperTests.syncedGet(r, key);
    }

    @Override
    protected Repository newRepository(String namespace, List<String> addresses) {
        return ZooKeeperTests.open(ZooKeeperTests.config(String.join(",", addresses), namespace,
                Duration.ofSeconds(10)).build());
    }
}
