package io.governor.repository.etcd;

import io.governor.api.repository.ConnectionState;
import io.governor.api.repository.ConnectionStateListener;
import io.governor.api.repository.RepositoryConfig;
import io.governor.test.Await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Small helpers shared by the etcd integration tests. */
final class TestClients {

    private TestClients() {
    }

    /** A repository on {@code endpoints} in {@code namespace} with a short lease and request timeout. */
    static EtcdRepository connect(String endpoints, String namespace, Duration leaseTtl) {
        return (EtcdRepository) new EtcdRepositoryProvider().create(shortTimeouts(endpoints, namespace, leaseTtl));
    }

    /** The configuration {@link #connect} uses: {@code leaseTtl}, 3 s requests, 5 s to connect. */
    static RepositoryConfig shortTimeouts(String endpoints, String namespace, Duration leaseTtl) {
        return config(endpoints, namespace)
                .property("leaseTtl", leaseTtl)
                .property("requestTimeout", Duration.ofSeconds(3))
                .property("connectTimeout", Duration.ofSeconds(5))
                .build();
    }

    /** The endpoints {@code http://host:port,...} of loopback {@code host:port} addresses (proxies). */
    static String urls(List<String> addresses) {
        return addresses.stream().map(a -> "http://" + a).collect(Collectors.joining(","));
    }

    static RepositoryConfig.Builder config(String endpoints, String namespace) {
        return RepositoryConfig.builder("etcd").serverLists(endpoints).namespace(namespace);
    }

    /** Records connection states in arrival order. */
    static final class States implements ConnectionStateListener {
        private final List<ConnectionState> seen = new CopyOnWriteArrayList<>();

        @Override
        public void stateChanged(ConnectionState state) {
            seen.add(state);
        }

        List<ConnectionState> seen() {
            return List.copyOf(seen);
        }

        /** Waits until {@code expected} has been seen in this order (other states may come between). */
        void await(Duration timeout, ConnectionState... expected) {
            Await.until(timeout, "connection states " + List.of(expected) + " in order (seen " + seen + ")", () -> {
                int next = 0;
                for (ConnectionState s : seen) {
                    if (next < expected.length && s == expected[next]) {
                        next++;
                    }
                }
                return next == expected.length;
            });
        }
    }
}
