package io.governor.repository.etcd;

import io.governor.api.repository.RepositoryConfig;

import java.time.Duration;
import java.util.List;
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
}
