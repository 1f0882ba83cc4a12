package io.governor.test;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpProxyTest {

    private EchoServer echo;
    private TcpProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new EchoServer();
        proxy = TcpProxy.start("127.0.0.1", echo.port());
    }

    @AfterEach
    void stop() {
        proxy.close();
        echo.close();
    }

    @Test
    void forwardsBytesBothWays() throws IOException {
        assertEquals("127.0.0.1:" + proxy.port(), proxy.address());
        try (Socket s = connect()) {
            assertEquals("hello", roundTrip(s, "hello"));
            assertEquals("again", roundTrip(s, "again"));
        }
        assertEquals(1, echo.connections(), "one upstream connection per client connection");
    }

    @Test
    void cutClosesOpenConnectionsAndRefusesNewOnesUntilRestore() throws IOException {
        try (Socket open = connect()) {
            assertEquals("before", roundTrip(open, "before"));
            proxy.cut();
            assertConnectionEnds(open);
        }
        try (Socket refused = connect()) {
            assertConnectionEnds(refused);
        }
        proxy.restore();
        try (Socket s = connect()) {
            assertEquals("after", roundTrip(s, "after"));
        }
    }

    @Test
    void blackholeStopsForwardingWithoutClosingUntilRestore() throws IOException {
        try (Socket s = connect()) {
            assertEquals("before", roundTrip(s, "before"));
            proxy.blackhole();
            s.setSoTimeout(300);
            send(s, "held");
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(), "client sees a time-out");
            assertTrue(!s.isClosed() && s.isConnected());
            proxy.restore();
            s.setSoTimeout(10_000);
            assertEquals("held", read(s, 4), "bytes held during the black hole arrive after restore");
        }
    }

    @Test
    void newConnectionDuringBlackholeIsForwardedAfterRestore() throws IOException {
        proxy.blackhole();
        try (Socket s = connect()) {
            s.setSoTimeout(300);
            send(s, "late");
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            proxy.restore();
            s.setSoTimeout(10_000);
            assertEquals("late", read(s, 4));
        }
    }

    @Test
    void closeStopsListeningAndEveryThread() throws IOException {
        try (Socket s = connect()) {
            assertEquals("x", roundTrip(s, "x"));
            int port = proxy.port();
            proxy.close();
            proxy.close();
            assertConnectionEnds(s);
            assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
        }
        Await.until("no governor-test-proxy thread left", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("governor-test-proxy-" + proxy.port())));
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        send(s, text);
        return read(s, text.length());
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String read(Socket s, int length) throws IOException {
        byte[] buffer = s.getInputStream().readNBytes(length);
        return new String(buffer, StandardCharsets.US_ASCII);
    }

    /** A cut connection either reads end-of-stream or fails with a reset; it never times out. */
    private static void assertConnectionEnds(Socket s) {
        try {
            s.setSoTimeout(10_000);
            int b = s.getInputStream().read();
            assertEquals(-1, b, "connection still delivers data");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection still open after cut", e);
        } catch (IOException e) {
            // reset: ended
        }
    }

    /** Echoes every byte back, one thread per connection. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server;
        private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
        private volatile int connections;

        EchoServer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "echo-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int connections() {
            return connections;
        }

        private void accept() {
            while (true) {
                try {
                    Socket s = server.accept();
                    connections++;
                    sockets.add(s);
                    Thread t = new Thread(() -> echo(s), "echo-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void echo(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                byte[] buffer = new byte[1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // connection ended
            } finally {
                sockets.remove(s);
            }
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException e) {
                // ignore
            }
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException e) {
                    // ignore
                }
            }
        }
    }
}
