package io.governor.core.service;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.Capability;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.api.repository.RepositoryProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds repository providers through {@link ServiceLoader} by type name and connects centers for
 * a role, checking the capabilities the role needs before connecting. Stateless.
 */
public final class Repositories {

    /** What a config center must be able to do. */
    public static final Set<Capability> CONFIG_CENTER = EnumSet.of(Capability.LIST_CHILDREN);
    /** What a registry center must be able to do. */
    public static final Set<Capability> REGISTRY_CENTER = EnumSet.of(Capability.LIST_CHILDREN, Capability.EPHEMERAL, Capability.LOCK);

    private static final Logger LOG = LoggerFactory.getLogger(Repositories.class);

    private Repositories() {
    }

    /** The provider of a type, or {@code REPOSITORY_NOT_FOUND} listing what was found and the artifact to add. */
    public static RepositoryProvider provider(String type) {
        List<String> found = new ArrayList<>();
        for (RepositoryProvider p : providers()) {
            if (p.type().equalsIgnoreCase(type)) {
                return p;
            }
            found.add(p.type().toLowerCase(Locale.ROOT));
        }
        String t = type.toLowerCase(Locale.ROOT);
        throw new GovernanceException(ErrorCode.REPOSITORY_NOT_FOUND, "no repository of type '" + t + "'; found: "
                + (found.isEmpty() ? "none" : String.join(", ", new TreeSet<>(found)))
                + "; add the artifact io.governor:repository-" + t);
    }

    private static List<RepositoryProvider> providers() {
        List<RepositoryProvider> out = new ArrayList<>();
        ServiceLoader.load(RepositoryProvider.class, Repositories.class.getClassLoader()).forEach(out::add);
        ClassLoader ctx = Thread.currentThread().getContextClassLoader();
        if (ctx != null && ctx != Repositories.class.getClassLoader()) {
            for (RepositoryProvider p : ServiceLoader.load(RepositoryProvider.class, ctx)) {
                if (out.stream().noneMatch(q -> q.getClass() == p.getClass())) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /**
     * Checks a provider against the capabilities a role needs.
     *
     * @throws GovernanceException {@code CAPABILITY_MISSING} naming the type, the role and what is missing
     */
    public static void requireCapabilities(RepositoryProvider provider, Set<Capability> required, String role) {
        Set<Capability> missing = EnumSet.noneOf(Capability.class);
        missing.addAll(required);
        missing.removeAll(provider.capabilities());
        if (!missing.isEmpty()) {
            throw new GovernanceException(ErrorCode.CAPABILITY_MISSING, "repository type '" + provider.type()
                    + "' cannot be the " + role + ": it lacks " + missing + " (it has " + provider.capabilities() + ")");
        }
    }

    /**
     * Connects a center for a role, waiting at most {@code timeout}.
     *
     * @throws GovernanceException {@code REPOSITORY_NOT_FOUND}, {@code CAPABILITY_MISSING},
     *         {@code CONNECT_FAILED} (naming the servers, never a credential), or the provider's own error
     */
    public static Repository connect(RepositoryConfig config, Set<Capability> required, String role, Duration timeout) {
        RepositoryProvider provider = provider(config.type());
        requireCapabilities(provider, required, role);
        CompletableFuture<Repository> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                Repository r = provider.create(config);
                if (!result.complete(r)) {
                    r.close(); // the caller gave up waiting: do not leak the late connection
                }
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "governor-" + config.namespace() + "-connect");
        t.setDaemon(true);
        t.start();
        Repository repo;
        try {
            repo = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (result.completeExceptionally(e)) {
                t.interrupt();
                throw new GovernanceException(ErrorCode.CONNECT_FAILED, "connect " + role + ": " + config.type()
                        + " servers '" + config.serverLists() + "' did not answer within " + timeout.toMillis() + " ms");
            }
            repo = result.join();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof GovernanceException ge) {
                throw ge;
            }
            throw new GovernanceException(ErrorCode.CONNECT_FAILED, "connect " + role + ": " + config.type()
                    + " servers '" + config.serverLists() + "' failed: " + c.getClass().getSimpleName(), c);
        } catch (InterruptedException e) {
            if (!result.completeExceptionally(e)) {
                result.join().close();
            }
            throw GovernanceException.interrupted("connect " + role, e);
        }
        if (required.contains(Capability.EPHEMERAL) && !(repo instanceof RegistryRepository)) {
            repo.close();
            throw new GovernanceException(ErrorCode.CAPABILITY_MISSING, "repository type '" + provider.type()
                    + "' declares EPHEMERAL but did not create a RegistryRepository");
        }
        LOG.info("[{}] connected {} as {} ({})", config.namespace(), config.type(), role, config.serverLists());
        return repo;
    }
}
