package io.governor.core.jdbc;

import io.governor.api.config.GovernanceProps;
import io.governor.api.event.GovernanceListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The statement wrappers, whose delegation is generated at build time, reach the physical statement
 * for every method of their interface, with and without listeners.
 */
class DelegationTest {

    @RegisterExtension
    final H2Fixture h2 = new H2Fixture();

    @Test
    void everyStatementMethodReachesThePhysicalStatement() throws Exception {
        checkEveryMethod(Statement.class, (c, physical) -> new GovernedStatement(c, physical));
    }

    @Test
    void everyPreparedStatementMethodReachesThePhysicalStatement() throws Exception {
        checkEveryMethod(PreparedStatement.class,
                (c, physical) -> new GovernedPreparedStatement(c, (PreparedStatement) physical, "select 1"));
    }

    @Test
    void everyCallableStatementMethodReachesThePhysicalStatement() throws Exception {
        checkEveryMethod(CallableStatement.class,
                (c, physical) -> new GovernedCallableStatement(c, (CallableStatement) physical, "{call f()}"));
    }

    /** A way to wrap a physical statement of {@code c}. */
    @FunctionalInterface
    private interface Wrapping {
        Statement wrap(GovernedConnection c, Statement physical);
    }

    private void checkEveryMethod(Class<? extends Statement> iface, Wrapping wrapping) throws Exception {
        for (List<GovernanceListener> listeners : List.of(List.<GovernanceListener>of(),
                List.<GovernanceListener>of(new ListenerEventsTest.Recorder()))) {
            JdbcRuntime rt = h2.runtime(listeners);
            rt.apply(h2.database(List.of(), "primary"), GovernanceProps.empty(), "r1");
            try (Connection c = rt.dataSource().getConnection()) {
                c.getAutoCommit(); // binds
                List<Method> seen = new ArrayList<>();
                Statement physical = (Statement) Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {iface}, (proxy, m, args) -> {
                            seen.add(m);
                            return zero(m.getReturnType());
                        });
                Statement governed = wrapping.wrap(c.unwrap(GovernedConnection.class), physical);
                int checked = 0;
                for (Method m : iface.getMethods()) {
                    if (Modifier.isStatic(m.getModifiers())) {
                        continue;
                    }
                    seen.clear();
                    invoke(governed, m);
                    String what = iface.getSimpleName() + "." + m.getName() + Arrays.toString(m.getParameterTypes())
                            + (listeners.isEmpty() ? "" : " with a listener");
                    assertEquals(1, seen.size(), what);
                    assertEquals(m.getName(), seen.get(0).getName(), what);
                    assertEquals(List.of(m.getParameterTypes()), List.of(seen.get(0).getParameterTypes()), what);
                    checked++;
                }
                assertEquals(iface.getMethods().length - statics(iface), checked);
            }
        }
    }

    private static long statics(Class<?> iface) {
        return Arrays.stream(iface.getMethods()).filter(m -> Modifier.isStatic(m.getModifiers())).count();
    }

    private static void invoke(Statement governed, Method m) throws Exception {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            // a type the wrapper is not, so that unwrap and isWrapperFor ask the physical statement
            args[i] = types[i] == Class.class ? Runnable.class : zero(types[i]);
        }
        try {
            m.invoke(governed, args);
        } catch (InvocationTargetException e) {
            throw new AssertionError(m + " failed", e.getCause());
        }
    }

    private static Object zero(Class<?> type) {
        Map<Class<?>, Object> zeros = Map.of(boolean.class, false, int.class, 0, long.class, 0L, double.class, 0d,
                float.class, 0f, short.class, (short) 0, byte.class, (byte) 0);
        return zeros.get(type);
    }
}
