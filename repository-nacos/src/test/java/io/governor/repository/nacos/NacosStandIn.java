package io.governor.repository.nacos;

import com.alibaba.nacos.api.config.remote.request.ConfigBatchListenRequest;
import com.alibaba.nacos.api.config.remote.request.ConfigChangeNotifyRequest;
import com.alibaba.nacos.api.config.remote.request.ConfigPublishRequest;
import com.alibaba.nacos.api.config.remote.request.ConfigQueryRequest;
import com.alibaba.nacos.api.config.remote.request.ConfigRemoveRequest;
import com.alibaba.nacos.api.config.remote.response.ConfigChangeBatchListenResponse;
import com.alibaba.nacos.api.config.remote.response.ConfigPublishResponse;
import com.alibaba.nacos.api.config.remote.response.ConfigQueryResponse;
import com.alibaba.nacos.api.config.remote.response.ConfigRemoveResponse;
import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.grpc.auto.BiRequestStreamGrpc;
import com.alibaba.nacos.api.grpc.auto.Payload;
import com.alibaba.nacos.api.grpc.auto.RequestGrpc;
import com.alibaba.nacos.api.remote.request.ConnectionSetupRequest;
import com.alibaba.nacos.api.remote.request.HealthCheckRequest;
import com.alibaba.nacos.api.remote.request.Request;
import com.alibaba.nacos.api.remote.request.ServerCheckRequest;
import com.alibaba.nacos.api.remote.response.ErrorResponse;
import com.alibaba.nacos.api.remote.response.HealthCheckResponse;
import com.alibaba.nacos.api.remote.response.Response;
import com.alibaba.nacos.api.remote.response.ResponseCode;
import com.alibaba.nacos.api.remote.response.ServerCheckResponse;
import com.alibaba.nacos.common.remote.client.grpc.GrpcUtils;
import com.alibaba.nacos.shaded.io.grpc.Context;
import com.alibaba.nacos.shaded.io.grpc.Contexts;
import com.alibaba.nacos.shaded.io.grpc.Grpc;
import com.alibaba.nacos.shaded.io.grpc.Metadata;
import com.alibaba.nacos.shaded.io.grpc.Server;
import com.alibaba.nacos.shaded.io.grpc.ServerCall;
import com.alibaba.nacos.shaded.io.grpc.ServerCallHandler;
import com.alibaba.nacos.shaded.io.grpc.ServerInterceptor;
import com.alibaba.nacos.shaded.io.grpc.ServerInterceptors;
import com.alibaba.nacos.shaded.io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import com.alibaba.nacos.shaded.io.grpc.stub.StreamObserver;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small stand-in for a Nacos 2.x server, speaking the client's gRPC protocol with the classes the
 * client jar ships (shaded gRPC server, request/response types, {@link GrpcUtils}). It answers as the
 * real server does: server check with a connection id, health check, connection setup on the
 * bidirectional stream (no ability negotiation, like a server that predates it), config query
 * ({@code 300} when absent), publish (plain, and CAS that creates an absent config or compares the
 * MD5 of a present one), remove, batch listen (reporting configs whose MD5 differs), and a
 * {@link ConfigChangeNotifyRequest} pushed on the stream of every listening connection after a
 * change. Requests on a connection that has not set up its stream get {@code 301}. With credentials
 * it also answers the HTTP login ({@code /nacos/v1/auth/users/login}) on the main port (gRPC port
 * minus 1000) and refuses config requests without the issued token with {@code 403}.
 */
final class NacosStandIn implements AutoCloseable {

    private static final Context.Key<String> CONNECTION = Context.key("connection");
    private static final int DATA_ID_COLUMN = 255;

    private final String username;
    private final String password;
    private final String token = UUID.randomUUID().toString();
    private final Map<String, String> configs = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> listeners = new ConcurrentHashMap<>();
    private final Map<String, StreamObserver<Payload>> streams = new ConcurrentHashMap<>();
    private final AtomicLong pushIds = new AtomicLong();
    /** While set and not yet released, listen registrations wait for it (see {@link #holdListens}). */
    private volatile java.util.concurrent.CountDownLatch listenGate;
    private HttpServer http;
    private Server grpc;

    NacosStandIn(String username, String password) throws IOException {
        this.username = username;
        this.password = password;
        for (int attempt = 0; grpc == null; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            try {
                http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port - 1000), 0);
                grpc = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                        .addService(ServerInterceptors.intercept(new Unary(), new ConnectionIds()))
                        .addService(ServerInterceptors.intercept(new Streams(), new ConnectionIds()))
                        .build().start();
            } catch (IOException e) {
                if (http != null) {
                    http.stop(0);
                    http = null;
                }
                if (attempt > 20) {
                    throw e;
                }
            }
        }
        http.createContext("/nacos/v1/auth/users/login", this::login);
        http.start();
    }

    NacosStandIn() throws IOException {
        this(null, null);
    }

    /** The server address to give the client: host and main (HTTP) port; gRPC is that port + 1000. */
    String address() {
        return "127.0.0.1:" + http.getAddress().getPort();
    }

    /** The stored content of a config, or null. */
    String content(String tenant, String group, String dataId) {
        return configs.get(groupKey(tenant, group, dataId));
    }

    /** Closes every client stream, as a server restart would; clients reconnect and listen again. */
    void dropConnections() {
        // Forget exactly the connections dropped here: a client may reconnect and listen again while
        // this runs, and clearing everything afterwards would silently drop its new registrations.
        for (String connection : List.copyOf(streams.keySet())) {
            StreamObserver<Payload> s = streams.get(connection);
            forget(connection);
            if (s != null) {
                synchronized (s) {
                    s.onError(new IllegalStateException("stand-in dropped the connection"));
                }
            }
        }
    }

    /**
     * Holds every listen registration until {@link #releaseListens}, as a busy server or network
     * would delay it: changes made meanwhile happen before the client's listener exists on the
     * server. A held registration gives up waiting after 30 s.
     */
    void holdListens() {
        listenGate = new java.util.concurrent.CountDownLatch(1);
    }

    /** Lets the held listen registrations (and later ones) through. */
    void releaseListens() {
        java.util.concurrent.CountDownLatch gate = listenGate;
        if (gate != null) {
            gate.countDown();
        }
    }

    @Override
    public void close() {
        grpc.shutdownNow();
        try {
            grpc.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.stop(0);
    }

    private Response handle(Request request, String connection) {
        if (request instanceof ServerCheckRequest) {
            return new ServerCheckResponse(connection, false);
        }
        if (!streams.containsKey(connection)) {
            return ErrorResponse.build(NacosException.UN_REGISTER, "Connection is unregistered.");
        }
        if (request instanceof HealthCheckRequest) {
            return new HealthCheckResponse();
        }
        boolean authorized = username == null || token.equals(request.getHeader("accessToken"));
        if (request instanceof ConfigQueryRequest q) {
            if (!authorized) {
                return ConfigQueryResponse.buildFailResponse(NacosException.NO_RIGHT, "token invalid!");
            }
            String content = configs.get(groupKey(q.getTenant(), q.getGroup(), q.getDataId()));
            if (content == null) {
                return ConfigQueryResponse.buildFailResponse(ConfigQueryResponse.CONFIG_NOT_FOUND, "config data not exist");
            }
            ConfigQueryResponse r = ConfigQueryResponse.buildSuccessResponse(content);
            r.setMd5(md5(content));
            r.setLastModified(System.currentTimeMillis());
            r.setContentType("text");
            return r;
        }
        if (request instanceof ConfigPublishRequest p) {
            if (!authorized) {
                return ConfigPublishResponse.buildFailResponse(NacosException.NO_RIGHT, "token invalid!");
            }
            return publish(p);
        }
        if (request instanceof ConfigRemoveRequest r) {
            if (!authorized) {
                return ConfigRemoveResponse.buildFailResponse("token invalid!");
            }
            configs.remove(groupKey(r.getTenant(), r.getGroup(), r.getDataId()));
            notifyListeners(r.getTenant(), r.getGroup(), r.getDataId());
            return ConfigRemoveResponse.buildSuccessResponse();
        }
        if (request instanceof ConfigBatchListenRequest l) {
            if (!authorized) {
                ConfigChangeBatchListenResponse denied = new ConfigChangeBatchListenResponse();
                denied.setErrorInfo(NacosException.NO_RIGHT, "token invalid!");
                return denied;
            }
            java.util.concurrent.CountDownLatch gate = listenGate;
            if (l.isListen() && gate != null) {
                try {
                    gate.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ConfigChangeBatchListenResponse r = new ConfigChangeBatchListenResponse();
            for (ConfigBatchListenRequest.ConfigListenContext c : l.getConfigListenContexts()) {
                String key = groupKey(c.getTenant(), c.getGroup(), c.getDataId());
                if (l.isListen()) {
                    listeners.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(connection);
                    String content = configs.get(key);
                    if (!(content == null ? "" : md5(content)).equals(c.getMd5() == null ? "" : c.getMd5())) {
                        r.addChangeConfig(c.getDataId(), c.getGroup(), c.getTenant());
                    }
                } else {
                    listeners.getOrDefault(key, Set.of()).remove(connection);
                }
            }
            return r;
        }
        return ErrorResponse.build(NacosException.NO_HANDLER, "no handler for " + request.getClass().getSimpleName());
    }

    private synchronized Response publish(ConfigPublishRequest p) {
        String dataId = p.getDataId();
        String content = p.getContent();
        if (dataId == null || dataId.isBlank() || !dataId.chars().allMatch(c -> Character.isLetterOrDigit(c) || "_-.:".indexOf(c) >= 0)) {
            return ConfigPublishResponse.buildFailResponse(NacosException.INVALID_PARAM, "invalid dataId : " + dataId);
        }
        if (content == null || content.isBlank()) {
            return ConfigPublishResponse.buildFailResponse(NacosException.INVALID_PARAM, "content is blank : " + content);
        }
        if (dataId.length() > DATA_ID_COLUMN) {
            return ConfigPublishResponse.buildFailResponse(ResponseCode.FAIL.getCode(), "Data truncation: data_id too long");
        }
        String key = groupKey(p.getTenant(), p.getGroup(), dataId);
        String current = configs.get(key);
        String cas = p.getCasMd5();
        if (cas != null && !cas.isBlank() && current != null && !cas.equals(md5(current))) {
            return ConfigPublishResponse.buildFailResponse(ResponseCode.FAIL.getCode(),
                    "Cas publish fail, server md5 may have changed.");
        }
        configs.put(key, content);
        notifyListeners(p.getTenant(), p.getGroup(), dataId);
        return ConfigPublishResponse.buildSuccessResponse();
    }

    private void notifyListeners(String tenant, String group, String dataId) {
        for (String connection : listeners.getOrDefault(groupKey(tenant, group, dataId), Set.of())) {
            StreamObserver<Payload> stream = streams.get(connection);
            if (stream != null) {
                ConfigChangeNotifyRequest push = ConfigChangeNotifyRequest.build(dataId, group, tenant);
                push.setRequestId(String.valueOf(pushIds.incrementAndGet()));
                synchronized (stream) {
                    stream.onNext(GrpcUtils.convert(push));
                }
            }
        }
    }

    private void login(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = form(exchange.getRequestURI().getRawQuery());
            try (InputStream in = exchange.getRequestBody()) {
                form.putAll(form(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
            boolean ok = username != null && username.equals(form.get("username")) && password.equals(form.get("password"));
            byte[] body = (ok ? "{\"accessToken\":\"" + token + "\",\"tokenTtl\":18000,\"globalAdmin\":true,\"username\":\""
                    + username + "\"}" : "unknown user!").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ok ? 200 : 403, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static String groupKey(String tenant, String group, String dataId) {
        return (tenant == null ? "" : tenant) + "+" + group + "+" + dataId;
    }

    static String md5(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Names each transport (client connection) by its remote address, like the real server's connection id. */
    private static final class ConnectionIds implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
            Context ctx = Context.current().withValue(CONNECTION, String.valueOf(remote));
            return Contexts.interceptCall(ctx, call, headers, next);
        }
    }

    private final class Unary extends RequestGrpc.RequestImplBase {
        @Override
        public void request(Payload payload, StreamObserver<Payload> reply) {
            Request request = (Request) GrpcUtils.parse(payload);
            Response response = handle(request, CONNECTION.get());
            response.setRequestId(request.getRequestId());
            reply.onNext(GrpcUtils.convert(response));
            reply.onCompleted();
        }
    }

    private final class Streams extends BiRequestStreamGrpc.BiRequestStreamImplBase {
        @Override
        public StreamObserver<Payload> requestBiStream(StreamObserver<Payload> toClient) {
            String connection = CONNECTION.get();
            return new StreamObserver<>() {
                @Override
                public void onNext(Payload payload) {
                    Object parsed = GrpcUtils.parse(payload);
                    if (parsed instanceof ConnectionSetupRequest) {
                        streams.put(connection, toClient);
                    }
                    // anything else is the client's acknowledgement of a push
                }

                @Override
                public void onError(Throwable t) {
                    forget(connection);
                }

                @Override
                public void onCompleted() {
                    forget(connection);
                    synchronized (toClient) {
                        toClient.onCompleted();
                    }
                }
            };
        }
    }

    private void forget(String connection) {
        streams.remove(connection);
        listeners.values().forEach(s -> s.remove(connection));
    }

    /** Every config's dataId, for tests that look at what the repository stored. */
    List<String> dataIds() {
        return configs.keySet().stream().map(k -> k.substring(k.lastIndexOf('+') + 1)).sorted().toList();
    }
}
