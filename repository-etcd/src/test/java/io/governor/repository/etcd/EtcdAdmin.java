package io.governor.repository.etcd;

import io.etcd.jetcd.Client;
import io.governor.test.etcd.EtcdCluster;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A raw jetcd client on an {@link EtcdCluster} for a test class, to act on the server behind the
 * repository's back (revoke a lease, compact). Register it as a static {@code @RegisterExtension}
 * field; the client is made on first use (so after the cluster started, whatever the order of the
 * extensions) and closed after all tests. {@link #client()} is thread safe and does not block on
 * the network.
 */
final class EtcdAdmin implements AfterAllCallback {

    private final EtcdCluster cluster;
    private Client client;

    EtcdAdmin(EtcdCluster cluster) {
        this.cluster = cluster;
    }

    /** The client, made on first call. */
    synchronized Client client() {
        if (client == null) {
            client = Client.builder().endpoints(cluster.clientUrls().toArray(String[]::new)).build();
        }
        return client;
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
