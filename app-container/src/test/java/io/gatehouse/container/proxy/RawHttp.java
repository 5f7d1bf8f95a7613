package io.gatehouse.container.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.1 client on one socket, for what {@code java.net.http} will not do: hop-by-hop
 * request headers, pipelining, HTTP/1.0.
 */
public final class RawHttp implements AutoCloseable {

    /**
     * One response read off the socket.
     *
     * @param status  the status code
     * @param headers the headers, lower-case names, values of repeated headers joined by ", "
     * @param body    the body
     */
    public record Response(int status, Map<String, String> headers, String body) {
        /**
         * @param name a header name, any case
         * @return its value, or {@code null}
         */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /**
     * @param port the gateway's port on 127.0.0.1
     * @throws IOException when it cannot connect
     */
    public RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /**
     * @param request the bytes to send, as ISO-8859-1
     * @throws IOException when the socket fails
     */
    public void send(String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * @param headRequest whether the response answers a HEAD request (no body)
     * @return the next response
     */
    public Response read(boolean headRequest) throws IOException {
        String statusLine = line();
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while (!(line = line()).isEmpty()) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (!headRequest && status >= 200 && status != 204 && status != 304) {
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                int size;
                while ((size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0) {
                    body.write(in.readNBytes(size));
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (headers.containsKey("content-length")) {
                body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
            } else {
                body.write(in.readAllBytes());
            }
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    /**
     * @return the next response
     * @throws IOException when the socket fails
     */
    public Response read() throws IOException {
        return read(false);
    }

    /**
     * @return bytes of a response waiting to be read
     * @throws IOException when the socket fails
     */
    public int available() throws IOException {
        return in.available();
    }

    /**
     * @return whether the server closed the connection (end of stream, or a reset) within the socket timeout
     * @throws IOException when the socket fails otherwise
     */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException reset) {
            // Bytes sent after the server closed are answered with a reset: closed all the same.
            return true;
        }
    }

    List<Response> readAll(int count) throws IOException {
        List<Response> responses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            responses.add(read());
        }
        return responses;
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        throw new IOException("connection closed");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
