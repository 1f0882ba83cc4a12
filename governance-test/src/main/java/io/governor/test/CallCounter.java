package io.governor.test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A proxy of an interface that passes every call on to a target and counts the calls by method
 * name, for tests that check how often a component reads. Thread-safe; a call blocks as the
 * target's does and throws what it throws.
 *
 * @param <T> the interface
 */
public final class CallCounter<T> {

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final T proxy;

    public CallCounter(Class<T> type, T target) {
        this.proxy = type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
            calls.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    /** The counting proxy. */
    public T proxy() {
        return proxy;
    }

    /** The calls so far by method name: a live map a test may clear. */
    public Map<String, AtomicInteger> calls() {
        return calls;
    }
}
