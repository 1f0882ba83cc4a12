package io.governor.bench.support;

import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Bare Curator clients for the raw floors the benchmarks compare Governor with. Stateless; the
 * client returned is the caller's to close.
 */
public final class Curators {

    private Curators() {
    }

    /**
     * A started client of {@code servers}, returned once connected.
     *
     * @throws IllegalStateException if it did not connect within {@code wait} (the client is closed),
     *                               or the thread was interrupted (its flag is set again)
     */
    public static CuratorFramework connected(String servers, Duration session, Duration connection, RetryPolicy retry,
                                             Duration wait) {
        CuratorFramework c = CuratorFrameworkFactory.newClient(servers, (int) session.toMillis(), (int) connection.toMillis(),
                retry);
        c.start();
        try {
            if (!c.blockUntilConnected((int) wait.toMillis(), TimeUnit.MILLISECONDS)) {
                c.close();
                throw new IllegalStateException("bare Curator client did not connect to " + servers + " within " + wait);
            }
        } catch (InterruptedException e) {
            c.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return c;
    }
}
