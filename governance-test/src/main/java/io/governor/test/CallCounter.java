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
        this(type, target, Map.of());
    }

    /**
     * A proxy that also implements each interface of {@code extra}, passing the calls of methods
     * declared there to the object given for it (for example an optional interface's fallback).
     */
    public CallCounter(Class<T> type, T target, Map<Class<?>, Object> extra) {
        Class<?>[] types = new Class<?>[extra.size() + 1];
        types[0] = type;
        System.arraycopy(extra.keySet().toArray(new Class<?>[0]), 0, types, 1, extra.size());
        this.proxy = type.cast(Proxy.newProxyInstance(type.getClassLoader(), types, (p, method, args) -> {
            calls.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
            try {
                return method.invoke(extra.getOrDefault(method.getDeclaringClass(), target), args);
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
