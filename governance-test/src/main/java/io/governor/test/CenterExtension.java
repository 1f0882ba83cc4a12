package io.governor.test;

import io.governor.api.repository.RepositoryConfig;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.List;

/**
 * A JUnit extension that says how a test class reaches the center it runs against, registered as a
 * {@code @RegisterExtension} field (usually the extension that runs the servers): it resolves every
 * {@link RepositoryConfig} parameter (of a test, a constructor or a {@code @BeforeEach} method) to
 * {@link #center()} and every {@code CenterExtension} parameter to itself. Core's scenario tests
 * and the fault contracts take their center this way instead of each backend overriding a method.
 *
 * <p>Implementations are thread-safe once started and do not block in these methods (the servers
 * are started by the extension's own callbacks).
 */
@FunctionalInterface
public interface CenterExtension extends ParameterResolver {

    /** The configuration of a client of this center (its namespace is set by the test). */
    RepositoryConfig center();

    /**
     * The loopback {@code host:port} of each server, in a stable order, for fault tests that put a
     * TCP proxy before each.
     *
     * @throws UnsupportedOperationException if the center has no servers to reach (the default)
     */
    default List<String> addresses() {
        throw new UnsupportedOperationException(getClass().getName() + " has no server addresses");
    }

    @Override
    default boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == RepositoryConfig.class || type == CenterExtension.class;
    }

    @Override
    default Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RepositoryConfig.class ? center() : this;
    }
}
