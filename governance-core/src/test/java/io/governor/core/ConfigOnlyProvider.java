package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Capability;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.api.repository.RepositoryProvider;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test provider (type {@code configonly}) that declares no registry capabilities, and no
 * capabilities at all when asked for a config center with {@code noChildren}; it never connects.
 */
public final class ConfigOnlyProvider implements RepositoryProvider {

    static final AtomicInteger created = new AtomicInteger();

    @Override
    public String type() {
        return "configonly";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.COMPARE_AND_SET);
    }

    @Override
    public Repository create(RepositoryConfig config) {
        created.incrementAndGet();
        throw new GovernanceException(ErrorCode.CONNECT_FAILED, "configonly never connects");
    }
}
