package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.RegistryRepositoryProvider;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.memory.MemoryRepositoryProvider;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test provider (type {@code late}) for a center that is down at first: the memory store named by
 * the server list refuses {@code CONNECT_FAILED} as many times as {@link #refuse} says, then connects.
 */
public final class LateCenterProvider implements RegistryRepositoryProvider {

    static final Map<String, AtomicInteger> REFUSALS = new ConcurrentHashMap<>();

    static void refuse(String store, int times) {
        REFUSALS.put(store, new AtomicInteger(times));
    }

    @Override
    public String type() {
        return "late";
    }

    @Override
    public RegistryRepository create(RepositoryConfig config) {
        AtomicInteger left = REFUSALS.get(config.serverLists());
        if (left != null && left.getAndDecrement() > 0) {
            throw new GovernanceException(ErrorCode.CONNECT_FAILED, "late center '" + config.serverLists() + "' is not up yet");
        }
        return new MemoryRepositoryProvider().create(RepositoryConfig.builder("memory")
                .serverLists(config.serverLists()).namespace(config.namespace()).build());
    }
}
