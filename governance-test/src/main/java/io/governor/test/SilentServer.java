package io.governor.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP server on a free loopback port that accepts connections and never answers: a client (a
 * pool's connection check, say) waits until its own timeout. {@link #close()} closes the listening
 * socket and every accepted connection. Thread-safe; its accept loop runs on a daemon thread.
 */
public final class SilentServer implements AutoCloseable {

    private final ServerSocket socket;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    private SilentServer(ServerSocket socket) {
        this.socket = socket;
    }

    /** Starts a server on a free port. */
    public static SilentServer start() {
        SilentServer server;
        try {
            server = new SilentServer(new ServerSocket(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(server::acceptForever, "silent-server-" + server.port());
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    private void acceptForever() {
        try {
            while (true) {
                accepted.add(socket.accept());
            }
        } catch (IOException closed) {
            // close() ends the loop
        }
    }

    /** The port it listens on. */
    public int port() {
        return socket.getLocalPort();
    }

    /** Whether a client has connected yet. */
    public boolean connected() {
        return !accepted.isEmpty();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
