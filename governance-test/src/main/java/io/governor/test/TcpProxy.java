package io.governor.test;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free loopback port that forwards to one target and can inject network faults:
 * {@link #cut()} (connections reset, new ones refused), {@link #blackhole()} (connections stay
 * open but nothing gets through, so clients see time-outs) and {@link #loseAnswers()} (requests get
 * through, answers do not), undone by {@link #restore()}.
 *
 * <p>Point a client at {@link #address()} instead of the server. Bytes held back during a black hole
 * are delivered after {@link #restore()}, like a network that stalls and recovers.
 *
 * <p>Thread-safe. Uses plain daemon threads named {@code governor-test-proxy-*}: one accepting, two
 * per connection; {@link #close()} stops all of them.
 */
public final class TcpProxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final AtomicInteger IDS = new AtomicInteger();

    private enum Mode { FORWARD, ANSWERS_LOST, CUT, BLACKHOLE, CLOSED }

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Object modeLock = new Object();
    private final Thread acceptor;
    private Mode mode = Mode.FORWARD; // guarded by modeLock
    private final AtomicInteger accepted = new AtomicInteger();

    private TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = daemon("governor-test-proxy-" + server.getLocalPort() + "-accept", this::acceptLoop);
        acceptor.start();
    }

    /**
     * Starts a proxy forwarding to {@code targetHost:targetPort}.
     *
     * @throws UncheckedIOException when no loopback port can be bound
     */
    public static TcpProxy start(String targetHost, int targetPort) {
        try {
            return new TcpProxy(targetHost, targetPort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a proxy to " + targetHost + ":" + targetPort, e);
        }
    }

    /** Starts a proxy forwarding to {@code address}, given as {@code host:port}. */
    public static TcpProxy start(String address) {
        int colon = address.lastIndexOf(':');
        return start(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
    }

    /** The loopback port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:port}, the address clients connect to. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /**
     * How many connections clients have opened to this proxy so far, including those reset at once
     * while {@link #cut()}: while cut, each is one reconnect attempt of a client.
     */
    public int accepted() {
        return accepted.get();
    }

    /** Resets every open connection and closes new ones at once until {@link #restore()}. */
    public void cut() {
        setMode(Mode.CUT);
        for (Link link : links) {
            link.close(true);
        }
        log.info("proxy {} -> {}:{}: connections cut", port(), targetHost, targetPort);
    }

    /**
     * Stops forwarding in both directions without closing anything until {@link #restore()}: clients
     * see time-outs, not resets. New connections are accepted but not forwarded either.
     */
    public void blackhole() {
        setMode(Mode.BLACKHOLE);
        log.info("proxy {} -> {}:{}: black hole", port(), targetHost, targetPort);
    }

    /**
     * Forwards what clients send but drops what the server answers, so requests take effect and their
     * answers are lost. Follow it with {@link #cut()}: the dropped bytes leave the client's stream
     * broken, and only a new connection repairs it.
     */
    public void loseAnswers() {
        setMode(Mode.ANSWERS_LOST);
        log.info("proxy {} -> {}:{}: answers lost", port(), targetHost, targetPort);
    }

    /** Forwards normally again after {@link #cut()}, {@link #blackhole()} or {@link #loseAnswers()}. */
    public void restore() {
        setMode(Mode.FORWARD);
        log.info("proxy {} -> {}:{}: restored", port(), targetHost, targetPort);
    }

    /** Closes the listening socket and every connection, and stops every thread. Idempotent. */
    @Override
    public void close() {
        setMode(Mode.CLOSED);
        closeQuietly(server);
        for (Link link : links) {
            link.close(false);
        }
        try {
            acceptor.join(CONNECT_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void setMode(Mode next) {
        synchronized (modeLock) {
            if (mode != Mode.CLOSED) {
                mode = next;
            }
            modeLock.notifyAll();
        }
    }

    private Mode mode() {
        synchronized (modeLock) {
            return mode;
        }
    }

    /** Blocks while black-holed; returns whether forwarding may go on (false once cut or closed). */
    private boolean awaitForwarding() throws InterruptedException {
        synchronized (modeLock) {
            while (mode == Mode.BLACKHOLE) {
                modeLock.wait();
            }
            return mode == Mode.FORWARD || mode == Mode.ANSWERS_LOST;
        }
    }

    private boolean accepting() {
        Mode m = mode();
        return m == Mode.FORWARD || m == Mode.BLACKHOLE || m == Mode.ANSWERS_LOST;
    }

    private void acceptLoop() {
        while (mode() != Mode.CLOSED) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            if (accepting()) {
                Link link = new Link(client);
                links.add(link);
                if (accepting()) {
                    link.start();
                } else {
                    link.close(true); // cut or closed while this connection was being accepted
                }
            } else {
                reset(client);
            }
        }
    }

    /** One proxied connection: the client's socket, the upstream socket and two pumping threads. */
    private final class Link {
        private final Socket client;
        private final Socket upstream = new Socket();
        private final int id = IDS.incrementAndGet();

        Link(Socket client) {
            this.client = client;
        }

        void start() {
            daemon("governor-test-proxy-" + port() + "-up-" + id, this::connectAndPumpUp).start();
        }

        private void connectAndPumpUp() {
            try {
                if (!awaitForwarding()) {
                    close(true);
                    return;
                }
                upstream.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MILLIS);
                upstream.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
            } catch (IOException | InterruptedException e) {
                log.debug("proxy {}: cannot reach {}:{}: {}", port(), targetHost, targetPort, e.toString());
                close(true);
                return;
            }
            daemon("governor-test-proxy-" + port() + "-down-" + id, () -> pump(upstream, client, true)).start();
            pump(client, upstream, false);
        }

        /** Copies {@code from} to {@code to}; {@code answers}: the server-to-client direction. */
        private void pump(Socket from, Socket to, boolean answers) {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (awaitForwarding()) {
                    int n = in.read(buffer);
                    if (n < 0 || !awaitForwarding()) {
                        break;
                    }
                    if (answers && mode() == Mode.ANSWERS_LOST) {
                        continue;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                log.trace("proxy {}: link {} ends: {}", port(), id, e.toString());
            }
            close(mode() == Mode.CUT);
        }

        void close(boolean reset) {
            links.remove(this);
            if (reset) {
                reset(client);
                reset(upstream);
            } else {
                closeQuietly(client);
                closeQuietly(upstream);
            }
        }
    }

    private static void reset(Socket socket) {
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
        } catch (IOException e) {
            // closing anyway
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing to do
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
