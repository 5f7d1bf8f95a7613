package io.gatehouse.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An upstream on a raw loopback socket that records every request exactly as it arrives on the wire
 * (request line, header lines, body) and answers {@code 200 ok}, or, for a path given to
 * {@link #respondRaw}, writes those bytes as they are and closes. It parses requests itself, so
 * what it records is what a real server would see, not what a decoder made of it.
 */
public final class RecordingUpstream implements AutoCloseable {

    /**
     * One request as received.
     *
     * @param requestLine the request line, without CRLF
     * @param headerLines the header lines as received, without CRLF
     * @param body        the body (chunked bodies decoded)
     * @param complete    whether the request arrived whole: its header section and all of its body
     */
    public record Received(String requestLine, List<String> headerLines, String body, boolean complete) {
        /**
         * @param name a header name
         * @return the values of that header, in order
         */
        public List<String> header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headerLines.stream()
                .filter(line -> line.toLowerCase(Locale.ROOT).startsWith(prefix))
                .map(line -> line.substring(prefix.length()).strip())
                .toList();
        }
    }

    private final ServerSocket server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, byte[]> raw = new ConcurrentHashMap<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private RecordingUpstream(ServerSocket server) {
        this.server = server;
        Thread acceptor = new Thread(this::accept, "recording-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static RecordingUpstream start() {
        try {
            return new RecordingUpstream(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /**
     * @return every request received since the last {@link #clear()}, in arrival order
     */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /**
     * @return the request lines of the complete requests received since the last {@link #clear()}
     */
    public List<String> requestLines() {
        return received.stream().filter(Received::complete).map(Received::requestLine).toList();
    }

    /**
     * @return the request lines of every request that started to arrive since the last {@link #clear()}
     */
    public List<String> allRequestLines() {
        return received.stream().map(Received::requestLine).toList();
    }

    public void clear() {
        received.clear();
    }

    /**
     * @param path     a request path
     * @param response the bytes to answer it with, as they are; the connection is closed after them
     */
    public void respondRaw(String path, String response) {
        raw.put(path, response.getBytes(StandardCharsets.ISO_8859_1));
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                Thread worker = new Thread(() -> serve(socket), "recording-upstream-connection");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                List<String> headers = new ArrayList<>();
                String line;
                while ((line = line(in)) != null && !line.isEmpty()) {
                    headers.add(line);
                }
                if (line == null) {
                    received.add(new Received(requestLine, headers, "", false));
                    return;
                }
                Received request = new Received(requestLine, headers, "", false);
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                boolean complete;
                try {
                    complete = body(in, request, body);
                } catch (IOException | RuntimeException broken) {
                    complete = false;
                }
                received.add(new Received(requestLine, headers, body.toString(StandardCharsets.ISO_8859_1), complete));
                if (!complete) {
                    return;
                }
                String path = requestLine.split(" ")[1];
                byte[] canned = raw.get(path);
                if (canned != null) {
                    out.write(canned);
                    out.flush();
                    return;
                }
                out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
                    .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        } catch (IOException | RuntimeException broken) {
            // the gateway closed the connection, or sent something this parser cannot read: either
            // way what arrived is recorded
        }
    }

    /** Reads the body into {@code body}; {@code true} when all of it arrived. */
    private static boolean body(InputStream in, Received request, ByteArrayOutputStream body) throws IOException {
        List<String> encoding = request.header("transfer-encoding");
        List<String> length = request.header("content-length");
        if (!encoding.isEmpty()) {
            String sizeLine;
            while ((sizeLine = line(in)) != null) {
                int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
                if (size == 0) {
                    while (true) {
                        String trailer = line(in);
                        if (trailer == null) {
                            return false;
                        }
                        if (trailer.isEmpty()) {
                            return true;
                        }
                    }
                }
                byte[] chunk = in.readNBytes(size);
                body.write(chunk);
                if (chunk.length < size || line(in) == null) {
                    return false;
                }
            }
            return false;
        }
        if (!length.isEmpty()) {
            int expected = Integer.parseInt(length.get(0));
            byte[] bytes = in.readNBytes(expected);
            body.write(bytes);
            return bytes.length == expected;
        }
        return true;
    }

    /** A line up to LF, without its CRLF (or LF); {@code null} at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    @Override
    public void close() {
        try {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        } catch (IOException ignored) {
            // closing a loopback socket
        }
    }
}
