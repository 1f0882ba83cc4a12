package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.api.repository.RepositoryProvider;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test provider (type {@code configonly}) that is no
 * {@link io.governor.api.repository.RegistryRepositoryProvider}, so it cannot be a registry center;
 * it never connects.
 */
public final class ConfigOnlyProvider implements RepositoryProvider {

    static final AtomicInteger created = new AtomicInteger();

    @Override
    public String type() {
        return "configonly";
    }

    @Override
    public Repository create(RepositoryConfig config) {
        created.incrementAndGet();
        throw new GovernanceException(ErrorCode.CONNECT_FAILED, "configonly never connects");
    }
}
