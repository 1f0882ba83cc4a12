package io.governor.core.memory;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.AbstractRepositoryProvider;
import io.governor.api.repository.Capability;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.RegistryRepositoryProvider;
import io.governor.api.repository.RepositoryConfig;

import java.util.Set;

/**
 * The {@code memory} repository: a config and registry center inside the JVM, with every
 * {@link Capability}. {@code serverLists} names the {@link MemoryStore} to join (blank:
 * {@value MemoryStore#DEFAULT}); clients that name the same store share its keys, watches, ephemerals
 * and locks. The only property is {@value #MAX_VALUE_BYTES} (default 1 MiB).
 *
 * <p>Stateless and thread-safe; {@link #create} never blocks and never fails to connect.
 */
public final class MemoryRepositoryProvider extends AbstractRepositoryProvider<RegistryRepository>
        implements RegistryRepositoryProvider {

    /** The type key. */
    public static final String TYPE = "memory";

    /** Property: the largest value in UTF-8 bytes. */
    public static final String MAX_VALUE_BYTES = "maxValueBytes";

    /** Default of {@value #MAX_VALUE_BYTES}: 1 MiB. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 1 << 20;

    /** Used by {@link java.util.ServiceLoader}. */
    public MemoryRepositoryProvider() {
        super(TYPE);
    }

    /**
     * A new client of the store named by {@code config.serverLists()}, in {@code config.namespace()}.
     *
     * @throws GovernanceException {@code INVALID_CONFIG} for an unknown property or a limit below 1
     */
    @Override
    protected RegistryRepository open(RepositoryConfig config) {
        config.requireKnownProperties(Set.of(MAX_VALUE_BYTES));
        int maxValueBytes = config.intProperty(MAX_VALUE_BYTES, DEFAULT_MAX_VALUE_BYTES);
        if (maxValueBytes < 1) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, "property '" + MAX_VALUE_BYTES
                    + "' of memory repository must be at least 1, got " + maxValueBytes);
        }
        String name = config.serverLists().isBlank() ? MemoryStore.DEFAULT : config.serverLists();
        return new MemoryRepository(MemoryStore.open(name), config.namespace(), maxValueBytes);
    }
}
