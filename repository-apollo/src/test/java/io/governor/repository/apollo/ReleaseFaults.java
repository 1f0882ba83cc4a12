package io.governor.repository.apollo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP proxy in front of the real portal that makes releases fail, a fault the real server
 * cannot be made to show on demand: every request is forwarded as it is, except a release
 * ({@code POST .../releases}), which is either refused with HTTP 500 before it reaches the portal
 * ({@link Mode#REFUSE_RELEASE}) or made and then answered with HTTP 500, its answer lost
 * ({@link Mode#LOSE_RELEASE_ANSWER}). The 500 body is the portal's own error format.
 */
final class ReleaseFaults implements AutoCloseable {

    enum Mode { PASS, REFUSE_RELEASE, LOSE_RELEASE_ANSWER }

    private final String target;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile Mode mode = Mode.PASS;

    ReleaseFaults(String portalUrl) throws IOException {
        this.target = portalUrl;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void mode(Mode m) {
        this.mode = m;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean release = exchange.getRequestMethod().equals("POST")
                    && exchange.getRequestURI().getPath().endsWith("/releases");
            if (release && mode == Mode.REFUSE_RELEASE) {
                answer(exchange, 500, "{\"status\":500,\"message\":\"release refused by the test\"}");
                return;
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String h : new String[] {"Authorization", "Content-Type"}) {
                String v = exchange.getRequestHeaders().getFirst(h);
                if (v != null) {
                    forward.header(h, v);
                }
            }
            HttpResponse<String> r = http.send(forward.build(), HttpResponse.BodyHandlers.ofString());
            if (release && mode == Mode.LOSE_RELEASE_ANSWER) {
                answer(exchange, 500, "{\"status\":500,\"message\":\"answer lost by the test\"}");
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", r.headers().firstValue("Content-Type").orElse("application/json"));
            answer(exchange, r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
