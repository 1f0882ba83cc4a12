package io.governor.repository.nacos;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.config.listener.AbstractListener;
import com.alibaba.nacos.api.config.listener.Listener;
import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.client.config.NacosConfigService;
import com.alibaba.nacos.client.config.impl.ClientWorker;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The Nacos 2.x client's config service for one tenant and group, with every call translated by
 * {@link NacosErrors}. Every method blocks for one gRPC request bounded by the request timeout.
 * Thread-safe.
 *
 * <p>Reads go to the server through the client's {@link ClientWorker}, because
 * {@link ConfigService#getConfig} answers a failed query with the client's local snapshot, or with
 * null (absent) when it has none: a repository must fail with {@code UNAVAILABLE} instead, and a
 * watch must not take a stale snapshot for the current value. Should the worker not be reachable
 * (another client version), reads fall back to {@code getConfig} and a WARN says so. A failed
 * publish or remove is reported by the client as {@code false} without a reason.
 */
final class NacosClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NacosClient.class);

    private static final String GRPC_TIMEOUT = "nacos.remote.client.grpc.timeout";
    private static final String UP = "UP";

    /**
     * The largest gRPC message the Nacos server and client accept by default (10 MiB, server setting
     * {@code nacos.remote.server.grpc.sdk.max-inbound-message-size}). A bigger request fails with
     * {@code RESOURCE_EXHAUSTED} and the client's connection turns unhealthy, failing later requests.
     */
    static final long MAX_REQUEST_BYTES = 10L * 1024 * 1024;
    /** Room for a request's other fields (dataId, group, tenant, MD5, headers, a token). */
    static final long REQUEST_OVERHEAD_BYTES = 16 * 1024;

    private final NacosSettings settings;
    private final ConfigService service;
    private final ClientWorker worker;

    private NacosClient(NacosSettings settings, ConfigService service) {
        this.settings = settings;
        this.service = service;
        this.worker = workerOf(service, settings);
    }

    private static ClientWorker workerOf(ConfigService service, NacosSettings settings) {
        try {
            Field f = NacosConfigService.class.getDeclaredField("worker");
            f.setAccessible(true);
            return (ClientWorker) f.get(service);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("[{}] cannot reach the Nacos client's worker ({}); reads fall back to getConfig, which serves "
                    + "the local snapshot when the server is unreachable", settings.logName(), e.toString());
            return null;
        }
    }

    /**
     * Creates the client and waits until it is connected, up to the connect timeout.
     *
     * @throws GovernanceException {@code CONNECT_FAILED} when no server answered in time
     */
    static NacosClient connect(NacosSettings settings) {
        Properties p = new Properties();
        p.setProperty(PropertyKeyConst.SERVER_ADDR, settings.serverAddr);
        p.setProperty(PropertyKeyConst.NAMESPACE, settings.tenant);
        if (settings.username != null) {
            p.setProperty(PropertyKeyConst.USERNAME, settings.username);
            p.setProperty(PropertyKeyConst.PASSWORD, settings.password);
        }
        String timeout = String.valueOf(settings.requestTimeout.toMillis());
        p.setProperty(PropertyKeyConst.CONFIG_REQUEST_TIMEOUT, timeout);
        p.setProperty(GRPC_TIMEOUT, timeout);
        ConfigService service;
        try {
            service = NacosFactory.createConfigService(p);
        } catch (NacosException e) {
            throw settings.checks.error(ErrorCode.CONNECT_FAILED, "connect", "/", "could not start the Nacos client: "
                    + e.getErrMsg(), e);
        }
        long deadline = System.nanoTime() + settings.connectTimeout.toNanos();
        while (!UP.equals(service.getServerStatus())) {
            if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                shutDown(service);
                throw settings.checks.error(ErrorCode.CONNECT_FAILED, "connect", "/", "reached no server within "
                        + settings.connectTimeout, null);
            }
            LockSupport.parkNanos(50_000_000L);
        }
        return new NacosClient(settings, service);
    }

    /**
     * The content of a dataId as the server serves it (from its cache, which lags its database by
     * ~0.1 s), or null if it does not exist. Repeated for up to the request timeout while the server
     * answers 409 "data being modified" (it is updating that cache entry) or the client's own
     * throttle of identical requests ({@code limitTime}, 5 per second per JVM by default) refuses it.
     * Safe to retry.
     */
    String read(String dataId, String operation, String key) {
        long deadline = System.nanoTime() + settings.requestTimeout.toNanos();
        for (long pause = 1_000_000L; ; pause = Math.min(pause * 2, 50_000_000L)) {
            try {
                if (worker != null) {
                    return worker.getServerConfig(dataId, settings.group, settings.tenant,
                            settings.requestTimeout.toMillis(), false).getContent();
                }
                return service.getConfig(dataId, settings.group, settings.requestTimeout.toMillis());
            } catch (NacosException e) {
                if (e.getErrCode() != NacosException.CONFLICT && e.getErrCode() != NacosException.CLIENT_OVER_THRESHOLD
                        || System.nanoTime() > deadline) {
                    throw NacosErrors.translate(operation, key, settings, e);
                }
            }
            LockSupport.parkNanos(pause);
        }
    }

    /**
     * Publishes content only if the content in the server's database has the MD5 {@code casMd5}
     * (or the dataId does not exist there: Nacos then creates it); false if not, or if the publish
     * failed. The request's size is checked first ({@link #requestBytes}): a gRPC message over the
     * limit would fail with {@code RESOURCE_EXHAUSTED} and leave the client's connection unhealthy.
     *
     * @throws GovernanceException {@code VALUE_TOO_LARGE} before anything is sent when the request would
     *         exceed {@link #MAX_REQUEST_BYTES}
     */
    boolean publishCas(String dataId, String content, String casMd5, String operation, String key) {
        long size = requestBytes(dataId, content);
        if (size > MAX_REQUEST_BYTES) {
            throw settings.checks.error(ErrorCode.VALUE_TOO_LARGE, operation, key, "publishing dataId '" + dataId
                    + "' would make a request of about " + size + " bytes, over the gRPC message limit of "
                    + MAX_REQUEST_BYTES + " bytes", null);
        }
        try {
            return service.publishConfigCas(dataId, settings.group, content, casMd5);
        } catch (NacosException e) {
            throw NacosErrors.translate(operation, key, settings, e);
        }
    }

    /**
     * An upper bound of the size of a publish request carrying {@code content}: the request travels as
     * JSON in a gRPC message, so each character counts as its UTF-8 bytes or its JSON escape.
     */
    static long requestBytes(String dataId, String content) {
        long n = REQUEST_OVERHEAD_BYTES + 2L * dataId.length();
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (c < 0x20) {
                n += c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f' ? 2 : 6;
            } else if (c == '"' || c == '\\') {
                n += 2;
            } else if (c < 0x80) {
                n += 1;
            } else if (c < 0x800 || Character.isSurrogate(c)) {
                n += 2; // a surrogate pair is 4 bytes in all
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Removes a dataId; removing an absent one succeeds. */
    void remove(String dataId, String operation, String key) {
        boolean removed;
        try {
            removed = service.removeConfig(dataId, settings.group);
        } catch (NacosException e) {
            throw NacosErrors.translate(operation, key, settings, e);
        }
        if (!removed) {
            throw NacosErrors.refused(operation, key, settings);
        }
    }

    /** A listener registered by {@link #readAndListen} and the content it was registered against. */
    record Listening(Listener listener, String content) {
    }

    /**
     * Reads a dataId from the server (null if it does not exist) and registers a Nacos listener
     * whose baseline is exactly that content: the client listens with its MD5, so the server reports
     * any later change, even one made before the listen reaches it. {@code onChange} runs on the
     * Nacos client's notification thread and must hand off at once.
     *
     * <p>A plain {@code addListener} would take the baseline from the client's local snapshot file
     * (shared by every client of the same server in the JVM, and written by reads, not by
     * publishes), which may differ from what the caller read: a change back to the snapshot's
     * content (typically a delete, when the snapshot says absent) then looks like no change to the
     * client and is never notified. Nothing is registered if the read fails.
     */
    Listening readAndListen(String dataId, Consumer<String> onChange, String key) {
        Listener listener = new AbstractListener() { // no executor: called on the client's notification thread
            @Override
            public void receiveConfigInfo(String content) {
                onChange.accept(content);
            }
        };
        try {
            String content = service.getConfigAndSignListener(dataId, settings.group, settings.requestTimeout.toMillis(),
                    listener);
            return new Listening(listener, content);
        } catch (NacosException e) {
            throw NacosErrors.translate("watch", key, settings, e);
        }
    }

    void unlisten(String dataId, Listener listener) {
        service.removeListener(dataId, settings.group, listener);
    }

    @Override
    public void close() {
        shutDown(service);
    }

    private static void shutDown(ConfigService service) {
        try {
            service.shutDown();
        } catch (NacosException | RuntimeException e) {
            // closing must not throw; the client is being abandoned either way
        }
    }
}
