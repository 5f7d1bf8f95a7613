package io.gatehouse.container.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A bare HTTP/2 client with prior knowledge on one cleartext socket, writing frames byte by byte, for
 * what a real client library refuses to send: pseudo-headers out of order, repeated or unknown,
 * upper-case names, connection-specific headers, CONTINUATION floods. Header blocks are HPACK
 * literals without indexing or Huffman coding; the server's header blocks are read with Netty's
 * HPACK decoder.
 */
final class RawH2 implements AutoCloseable {

    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int GOAWAY = 0x7;
    static final int CONTINUATION = 0x9;
    static final int END_STREAM = 0x1;
    static final int END_HEADERS = 0x4;

    /**
     * How the server ended one stream.
     *
     * @param frameType {@link #HEADERS} (a response), {@link #RST_STREAM}, {@link #GOAWAY}, or -1 when the
     *                  connection closed
     * @param status    the response's status for {@link #HEADERS}, otherwise 0
     */
    record Outcome(int frameType, int status) {
        boolean refused() {
            return frameType == RST_STREAM || frameType == GOAWAY || frameType == -1 || frameType == HEADERS && status >= 400;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);

    RawH2(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        frame(SETTINGS, 0, 0, new byte[0]);
    }

    /**
     * @param headers name and value pairs in the order to send, names as given (no lower-casing)
     * @return an HPACK block of literals without indexing
     */
    static byte[] block(List<Map.Entry<String, String>> headers) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        for (Map.Entry<String, String> header : headers) {
            block.write(0x00);
            string(block, header.getKey());
            string(block, header.getValue());
        }
        return block.toByteArray();
    }

    private static void string(ByteArrayOutputStream block, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        int length = bytes.length;
        if (length < 127) {
            block.write(length);
        } else {
            block.write(127);
            length -= 127;
            while (length >= 128) {
                block.write((length & 0x7F) | 0x80);
                length >>>= 7;
            }
            block.write(length);
        }
        block.writeBytes(bytes);
    }

    void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
        int length = payload.length;
        out.write(new byte[] {(byte) (length >>> 16), (byte) (length >>> 8), (byte) length, (byte) type, (byte) flags,
            (byte) (streamId >>> 24), (byte) (streamId >>> 16), (byte) (streamId >>> 8), (byte) streamId});
        out.write(payload);
        out.flush();
    }

    /**
     * Reads frames until the server ends the stream: a response head, a reset, a GOAWAY or a close.
     *
     * @param streamId the stream
     * @return how it ended
     */
    Outcome outcome(int streamId) throws IOException, Http2Exception {
        ByteArrayOutputStream headerBlock = null;
        while (true) {
            byte[] head = new byte[9];
            try {
                in.readFully(head);
            } catch (EOFException | SocketException closed) {
                return new Outcome(-1, 0);
            }
            int length = (head[0] & 0xFF) << 16 | (head[1] & 0xFF) << 8 | head[2] & 0xFF;
            int type = head[3] & 0xFF;
            int flags = head[4] & 0xFF;
            int stream = (head[5] & 0x7F) << 24 | (head[6] & 0xFF) << 16 | (head[7] & 0xFF) << 8 | head[8] & 0xFF;
            byte[] payload = new byte[length];
            in.readFully(payload);
            if (type == SETTINGS && (flags & 0x1) == 0) {
                frame(SETTINGS, 0x1, 0, new byte[0]);
            } else if (type == GOAWAY) {
                return new Outcome(GOAWAY, 0);
            } else if (stream == streamId && type == RST_STREAM) {
                return new Outcome(RST_STREAM, 0);
            } else if (stream == streamId && (type == HEADERS || type == CONTINUATION)) {
                if (headerBlock == null) {
                    headerBlock = new ByteArrayOutputStream();
                }
                headerBlock.writeBytes(payload);
                if ((flags & END_HEADERS) != 0) {
                    Http2Headers headers = decoder.decodeHeaders(streamId, Unpooled.wrappedBuffer(headerBlock.toByteArray()));
                    return new Outcome(HEADERS, Integer.parseInt(headers.status().toString()));
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
