package io.governor.core;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.RegistryRepositoryProvider;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.api.repository.RepositoryProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Finds repository providers through {@link ServiceLoader} by type name and connects centers for
 * a role: any repository can be the config center; the registry center must come from a
 * {@link RegistryRepositoryProvider}, which is checked before anything connects. Stateless.
 */
final class Repositories {

    /** The types Governor ships a repository module for ({@code memory} is in core). */
    static final Set<String> KNOWN_TYPES = Set.of("zookeeper", "etcd", "apollo", "nacos");

    /** The pause between two attempts to reach a center during start-up. */
    static final Duration RETRY_PAUSE = Duration.ofMillis(500);

    private static final Logger LOG = LoggerFactory.getLogger(Repositories.class);

    private Repositories() {
    }

    /** The provider of a type, or {@code REPOSITORY_NOT_FOUND} listing what was found and the artifact to add. */
    static RepositoryProvider provider(String type) {
        List<String> found = new ArrayList<>();
        for (RepositoryProvider p : providers()) {
            if (p.type().equalsIgnoreCase(type)) {
                return p;
            }
            found.add(p.type().toLowerCase(Locale.ROOT));
        }
        throw notFound(type.toLowerCase(Locale.ROOT), found);
    }

    /**
     * The lookup failure: what was asked for, the nearest known type, what was found and the
     * artifact to add, which is named only for a type Governor has a module for (never an invented
     * artifact for a typo).
     */
    static GovernanceException notFound(String type, List<String> found) {
        Set<String> known = new TreeSet<>(KNOWN_TYPES);
        known.addAll(found);
        String near = io.governor.api.DidYouMean.closest(type, known);
        String wanted = KNOWN_TYPES.contains(type) ? type : near != null && KNOWN_TYPES.contains(near) ? near : null;
        return new GovernanceException(ErrorCode.REPOSITORY_NOT_FOUND, "no repository of type '" + type + "'"
                + (near == null ? ";" : "; did you mean '" + near + "'?") + " found: "
                + (found.isEmpty() ? "none" : String.join(", ", new TreeSet<>(found)))
                + (wanted == null || found.contains(wanted) ? "" : "; add the artifact io.governor:repository-" + wanted));
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
     * The provider of a type that can be the registry center.
     *
     * @throws GovernanceException {@code REPOSITORY_NOT_FOUND} as {@link #provider}; {@code CAPABILITY_MISSING}
     *         naming the type, what it lacks and the registry types found
     */
    static RegistryRepositoryProvider registryProvider(String type) {
        RepositoryProvider provider = provider(type);
        if (provider instanceof RegistryRepositoryProvider registry) {
            return registry;
        }
        Set<String> registries = new TreeSet<>();
        providers().stream().filter(p -> p instanceof RegistryRepositoryProvider)
                .forEach(p -> registries.add(p.type().toLowerCase(Locale.ROOT)));
        throw new GovernanceException(ErrorCode.CAPABILITY_MISSING, "repository type '" + provider.type()
                + "' cannot be the registry center: it has no ephemeral keys and no locks (EPHEMERAL, LOCK); "
                + "registry center types found: " + (registries.isEmpty() ? "none" : String.join(", ", registries)));
    }

    /**
     * Connects the registry center, as {@link #connect} connects any center.
     *
     * @throws GovernanceException {@code CAPABILITY_MISSING} before connecting when the type cannot be
     *         the registry center ({@link #registryProvider}); otherwise as {@link #connect}
     */
    static RegistryRepository connectRegistry(RepositoryConfig config, Duration timeout) {
        RegistryRepositoryProvider provider = registryProvider(config.type());
        return connect(config, provider::create, "registry center", timeout);
    }

    /**
     * Connects a center for a role any repository can fill (the config center), waiting at most
     * {@code timeout} in all. A center that cannot be reached yet ({@code CONNECT_FAILED},
     * {@code UNAVAILABLE} or {@code TIMEOUT} from the provider, for instance after ZooKeeper's
     * {@code connectionTimeout}) is tried again until {@code timeout} is spent, so a center that comes
     * up during start-up is used; a host name that does not resolve, bad credentials or a bad
     * configuration fail at once.
     *
     * @param role    what the center is for, in messages and the connect thread's log lines
     * @param timeout the whole wait, normally what is left of {@code startupTimeout}
     * @throws GovernanceException {@code REPOSITORY_NOT_FOUND}, {@code CONNECT_FAILED} (naming the
     *         servers and {@code startupTimeout}, never a credential), or the provider's own error
     */
    static Repository connect(RepositoryConfig config, String role, Duration timeout) {
        RepositoryProvider provider = provider(config.type());
        return connect(config, provider::create, role, timeout);
    }

    /** What both {@code connect}s above do, with the provider's {@code create}. */
    private static <R extends Repository> R connect(RepositoryConfig config, Function<RepositoryConfig, R> create,
                                                    String role, Duration timeout) {
        CompletableFuture<R> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        AtomicReference<GovernanceException> lastFailure = new AtomicReference<>();
        Thread t = new Thread(() -> connectUntil(create, config, role, deadline, result, lastFailure),
                "governor-" + config.namespace() + "-connect");
        t.setDaemon(true);
        t.start();
        R repo;
        try {
            repo = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (result.completeExceptionally(e)) {
                t.interrupt();
                GovernanceException last = lastFailure.get();
                throw new GovernanceException(ErrorCode.CONNECT_FAILED, "connect " + role + ": " + config.type()
                        + " servers '" + config.serverLists() + "' did not answer within startupTimeout ("
                        + timeout.toMillis() + " ms left of it)" + (last == null ? "" : "; last error: " + last.getMessage()),
                        last);
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
        LOG.info("[{}] connected {} as {} ({})", config.namespace(), config.type(), role, config.serverLists());
        return repo;
    }

    /**
     * The connect thread: creates the repository, again after a short pause while the center is not
     * reachable, until the caller stops waiting (at the deadline it reports the timeout itself).
     */
    private static <R extends Repository> void connectUntil(Function<RepositoryConfig, R> create, RepositoryConfig config,
                                                            String role, long deadline, CompletableFuture<R> result,
                                                            AtomicReference<GovernanceException> lastFailure) {
        while (!result.isDone()) {
            try {
                R r = create.apply(config);
                if (!result.complete(r)) {
                    r.close(); // the caller gave up waiting: do not leak the late connection
                }
                return;
            } catch (GovernanceException e) {
                long left = deadline - System.nanoTime();
                if (!isWorthRetrying(e)) {
                    result.completeExceptionally(e);
                    return;
                }
                if (lastFailure.getAndSet(e) == null) {
                    LOG.info("[{}] {} ({} servers '{}') not reachable yet: {}; trying again for up to {} ms (startupTimeout)",
                            config.namespace(), role, config.type(), config.serverLists(), e.getMessage(),
                            TimeUnit.NANOSECONDS.toMillis(left));
                } else {
                    LOG.debug("[{}] {} still not reachable: {}", config.namespace(), role, e.getMessage());
                }
                pause(result);
            } catch (Throwable e) {
                result.completeExceptionally(e);
                return;
            }
        }
    }

    /** Waits {@link #RETRY_PAUSE}, or less when the caller stops waiting (then the result is done). */
    private static void pause(CompletableFuture<?> result) {
        try {
            result.get(RETRY_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | java.util.concurrent.CancellationException e) {
            // paused long enough, or the caller gave up (the loop sees the result done)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.completeExceptionally(e);
        }
    }

    /** A center that is down or unreachable may come up; a name that does not resolve, bad credentials or config will not. */
    static boolean isWorthRetrying(GovernanceException e) {
        if (e.code() != ErrorCode.CONNECT_FAILED && e.code() != ErrorCode.UNAVAILABLE && e.code() != ErrorCode.TIMEOUT) {
            return false;
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.UnknownHostException) {
                return false;
            }
        }
        return true;
    }
}
