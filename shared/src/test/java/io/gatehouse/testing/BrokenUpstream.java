package io.gatehouse.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A real socket on loopback that fails the way broken upstreams do, for the failures a closed port
 * cannot show:
 * <ul>
 *   <li>{@link #connectHangs()}: a listening socket whose accept queue is full, so the kernel drops
 *       every new SYN and a connect neither succeeds nor is refused until the client gives up
 *       (a connect timeout, as with a firewall that drops packets);</li>
 *   <li>{@link #closesWithoutAnswer()}: accepts, reads the request head and closes the connection
 *       without a byte of response.</li>
 * </ul>
 */
public final class BrokenUpstream implements AutoCloseable {

    private static final int SATURATION_ATTEMPTS = 64;

    private final ServerSocket server;
    private final List<Socket> sockets = new ArrayList<>();
    private final Thread acceptor;

    private BrokenUpstream(ServerSocket server, Thread acceptor) {
        this.server = server;
        this.acceptor = acceptor;
    }

    /**
     * @return a listener that never completes another connection: its accept queue is filled and
     *     never drained
     */
    public static BrokenUpstream connectHangs() {
        try {
            ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            BrokenUpstream upstream = new BrokenUpstream(server, null);
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            for (int i = 0; i < SATURATION_ATTEMPTS; i++) {
                Socket socket = new Socket();
                try {
                    socket.connect(address, 200);
                    upstream.sockets.add(socket);
                } catch (SocketTimeoutException full) {
                    socket.close();
                    return upstream;
                }
            }
            upstream.close();
            throw new IllegalStateException("the accept queue of port " + server.getLocalPort() + " never filled up");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return a server that reads each request head and closes the connection without answering
     */
    public static BrokenUpstream closesWithoutAnswer() {
        try {
            ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
            Thread acceptor = Thread.ofVirtual().unstarted(() -> {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept()) {
                        readHead(socket.getInputStream());
                    } catch (IOException e) {
                        // closed by close(), or the client went away: either way the next one
                    }
                }
            });
            BrokenUpstream upstream = new BrokenUpstream(server, acceptor);
            acceptor.start();
            return upstream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int b;
        while (matched < end.length && (b = in.read()) >= 0) {
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
    }

    /**
     * @return the base URL, such as {@code http://127.0.0.1:41234}
     */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
            if (acceptor != null) {
                acceptor.join(5_000);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
