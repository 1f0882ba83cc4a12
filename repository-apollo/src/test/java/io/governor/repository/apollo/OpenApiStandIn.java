package io.governor.repository.apollo;

import com.ctrip.framework.apollo.mockserver.ApolloTestingServer;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small stand-in for the Apollo portal's OpenAPI: the item and release endpoints that
 * {@code ApolloOpenApiClient} calls, answering as the real portal does (401 for a wrong token,
 * 400 for an unknown user, a key mismatch or deleting a missing item, 404 for reading a missing
 * item). It keeps the unpublished items per app / cluster / namespace and, on publish, feeds the
 * released state into an {@link ApolloTestingServer} so that readers see it through the real
 * Apollo client.
 *
 * <p>apollo-mockserver cannot take back a deletion ({@code deleteProperty} hides a key for good),
 * so re-adding a deleted key removes it from the mock's deleted set by reflection.
 */
final class OpenApiStandIn implements AutoCloseable {

    static final String USER = "apollo";
    private static final String PREFIX = "/openapi/v1/envs/";
    private static final int KEY_LIMIT = 128;
    private static final int VALUE_LIMIT = 20_000;

    private final Gson gson = new Gson();
    private final ApolloTestingServer mock;
    private final String token;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Map<String, TreeMap<String, String>> drafts = new HashMap<>();
    private final Map<String, TreeMap<String, String>> released = new HashMap<>();
    private final AtomicLong releaseIds = new AtomicLong();

    OpenApiStandIn(ApolloTestingServer mock, String token) throws IOException {
        this.mock = mock;
        this.token = token;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every item key the portal holds, released or not. */
    synchronized List<String> itemKeys() {
        List<String> out = new ArrayList<>();
        drafts.values().forEach(d -> out.addAll(d.keySet()));
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!token.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply(exchange, 401, "{\"status\":401,\"message\":\"Unauthorized\"}");
                return;
            }
            String raw = exchange.getRequestURI().getRawPath();
            String[] p = raw.startsWith(PREFIX) ? raw.substring(1).split("/") : new String[0];
            // openapi v1 envs {env} apps {app} clusters {cluster} namespaces {ns} <resource> [key]
            if (p.length < 10 || !"apps".equals(p[4]) || !"clusters".equals(p[6]) || !"namespaces".equals(p[8])) {
                reply(exchange, 404, "{\"status\":404,\"message\":\"no such endpoint\"}");
                return;
            }
            String ns = decode(p[9]);
            String coordinates = decode(p[5]) + "+" + decode(p[7]) + "+" + ns;
            String resource = p.length > 10 ? p[10] : "";
            String key = p.length > 11 ? itemKey(resource, decode(p[11])) : null;
            String method = exchange.getRequestMethod();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            synchronized (this) {
                TreeMap<String, String> draft = drafts.computeIfAbsent(coordinates, c -> new TreeMap<>());
                if ("releases".equals(resource) && "POST".equals(method)) {
                    release(exchange, coordinates, ns, draft);
                } else if (key != null && "GET".equals(method)) {
                    String value = draft.get(key);
                    if (value == null) {
                        reply(exchange, 404, "{\"status\":404,\"message\":\"item not found for " + key + "\"}");
                    } else {
                        reply(exchange, 200, gson.toJson(item(key, value)));
                    }
                } else if (key != null && "PUT".equals(method)) {
                    put(exchange, draft, key, query);
                } else if (key != null && "DELETE".equals(method)) {
                    if (!USER.equals(query.get("operator"))) {
                        reply(exchange, 400, "{\"status\":400,\"message\":\"user(operator) not exists\"}");
                    } else if (draft.remove(key) == null) {
                        reply(exchange, 400, "{\"status\":400,\"message\":\"item not exists\"}");
                    } else {
                        reply(exchange, 200, "");
                    }
                } else {
                    reply(exchange, 404, "{\"status\":404,\"message\":\"no such endpoint\"}");
                }
            }
        } catch (RuntimeException e) {
            reply(exchange, 500, "{\"status\":500,\"message\":\"" + e + "\"}");
        }
    }

    private void put(HttpExchange exchange, TreeMap<String, String> draft, String key, Map<String, String> query)
            throws IOException {
        JsonObject item = gson.fromJson(body(exchange), JsonObject.class);
        String bodyKey = item.has("key") ? item.get("key").getAsString() : null;
        String value = item.has("value") ? item.get("value").getAsString() : "";
        String by = item.has("dataChangeLastModifiedBy") ? item.get("dataChangeLastModifiedBy").getAsString() : null;
        if (!"true".equals(query.get("createIfNotExists"))) {
            reply(exchange, 501, "{\"status\":501,\"message\":\"the stand-in implements createIfNotExists=true only\"}");
        } else if (!key.equals(bodyKey)) {
            reply(exchange, 400, "{\"status\":400,\"message\":\"Key in path and payload is not consistent\"}");
        } else if (!USER.equals(by)) {
            reply(exchange, 400, "{\"status\":400,\"message\":\"user(dataChangeLastModifiedBy) not exists\"}");
        } else if (key.length() > KEY_LIMIT) {
            reply(exchange, 400, "{\"status\":400,\"message\":\"key too long. length limit:" + KEY_LIMIT + "\"}");
        } else if (value.length() > VALUE_LIMIT) {
            reply(exchange, 400, "{\"status\":400,\"message\":\"value too long. length limit:" + VALUE_LIMIT + "\"}");
        } else {
            draft.put(key, value);
            reply(exchange, 200, "");
        }
    }

    private void release(HttpExchange exchange, String coordinates, String ns, TreeMap<String, String> draft)
            throws IOException {
        JsonObject body = gson.fromJson(body(exchange), JsonObject.class);
        if (!body.has("releaseTitle") || !body.has("releasedBy") || !USER.equals(body.get("releasedBy").getAsString())) {
            reply(exchange, 400, "{\"status\":400,\"message\":\"Params(releaseTitle and releasedBy) can not be empty\"}");
            return;
        }
        TreeMap<String, String> before = released.getOrDefault(coordinates, new TreeMap<>());
        for (String key : before.keySet()) {
            if (!draft.containsKey(key)) {
                mock.deleteProperty(ns, key);
            }
        }
        draft.forEach((key, value) -> {
            if (!value.equals(before.get(key))) {
                mock.addOrModifyProperty(ns, key, value);
                undelete(ns, key);
            }
        });
        released.put(coordinates, new TreeMap<>(draft));
        Map<String, Object> dto = new HashMap<>();
        dto.put("id", releaseIds.incrementAndGet());
        dto.put("namespaceName", ns);
        dto.put("name", body.get("releaseTitle").getAsString());
        dto.put("configurations", draft);
        reply(exchange, 200, gson.toJson(dto));
    }

    @SuppressWarnings("unchecked")
    private void undelete(String ns, String key) {
        try {
            Field f = ApolloTestingServer.class.getDeclaredField("deletedKeysOfNamespace");
            f.setAccessible(true);
            Set<String> deleted = ((Map<String, Set<String>>) f.get(mock)).get(ns);
            if (deleted != null) {
                deleted.remove(key);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("apollo-mockserver changed: cannot re-add a deleted key", e);
        }
    }

    private static Map<String, Object> item(String key, String value) {
        Map<String, Object> item = new HashMap<>();
        item.put("key", key);
        item.put("value", value);
        item.put("dataChangeCreatedBy", USER);
        item.put("dataChangeLastModifiedBy", USER);
        return item;
    }

    private static String itemKey(String resource, String segment) {
        return "encodedItems".equals(resource)
                ? new String(Base64.getDecoder().decode(segment), StandardCharsets.UTF_8) : segment;
    }

    /** Percent-decoding of a path segment or query value ({@code +} stays {@code +} in a path). */
    private static String decode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(pair.substring(0, eq), decode(pair.substring(eq + 1).replace('+', ' ')));
                }
            }
        }
        return out;
    }

    private static String body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
