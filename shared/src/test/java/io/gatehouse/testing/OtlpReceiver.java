package io.gatehouse.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An OTLP/HTTP trace receiver on loopback, as a collector's: {@code POST /v1/traces} with an
 * {@code ExportTraceServiceRequest} in protobuf, read field by field with the wire format (no
 * generated classes), every span kept with its resource's {@code service.name}.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** {@code SPAN_KIND_SERVER}. */
    public static final int SERVER = 2;
    /** {@code SPAN_KIND_CLIENT}. */
    public static final int CLIENT = 3;
    /** {@code SPAN_KIND_PRODUCER}. */
    public static final int PRODUCER = 4;
    /** {@code SPAN_KIND_CONSUMER}. */
    public static final int CONSUMER = 5;

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Span> spans = new ConcurrentLinkedQueue<>();

    /**
     * One exported span.
     *
     * @param service      its resource's {@code service.name}
     * @param traceId      the trace id, hex
     * @param spanId       the span id, hex
     * @param parentSpanId the parent's span id, hex, empty for a root
     * @param traceState   its {@code tracestate}
     * @param name         its name
     * @param kind         its kind ({@link #SERVER}, {@link #CLIENT}, ...)
     * @param attributes   its string and integer attributes, as text
     * @param statusCode   its status code (0 unset, 1 ok, 2 error)
     */
    public record Span(String service, String traceId, String spanId, String parentSpanId, String traceState, String name,
                       int kind, Map<String, String> attributes, int statusCode) {
    }

    private OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                read(in.readAllBytes());
            } catch (RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /**
     * @return a receiver listening on an ephemeral loopback port
     */
    public static OtlpReceiver start() {
        try {
            return new OtlpReceiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return the endpoint for {@code otel.exporter.otlp.endpoint}
     */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * @return every span received so far
     */
    public List<Span> spans() {
        return List.copyOf(spans);
    }

    /**
     * @param traceId a trace id, hex
     * @return the spans of that trace received so far
     */
    public List<Span> trace(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    /**
     * @param spans   spans, such as a trace's
     * @param service the service that made it
     * @param kind    its kind
     * @return the one span of that service and kind; fails when there is none or more than one
     */
    public static Span only(List<Span> spans, String service, int kind) {
        List<Span> found = spans.stream().filter(s -> s.service().equals(service) && s.kind() == kind).toList();
        assertEquals(1, found.size(), spans.toString());
        return found.getFirst();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---------------------------------------------------------------- protobuf wire format

    private void read(byte[] request) {
        for (Field resourceSpans : fields(request)) {
            if (resourceSpans.number() != 1) {
                continue;
            }
            String service = "";
            List<byte[]> scopeSpans = new ArrayList<>();
            for (Field field : fields(resourceSpans.bytes())) {
                if (field.number() == 1) {
                    service = attributes(field.bytes(), 1).getOrDefault("service.name", "");
                } else if (field.number() == 2) {
                    scopeSpans.add(field.bytes());
                }
            }
            for (byte[] scope : scopeSpans) {
                for (Field field : fields(scope)) {
                    if (field.number() == 2) {
                        spans.add(span(service, field.bytes()));
                    }
                }
            }
        }
    }

    private static Span span(String service, byte[] bytes) {
        HexFormat hex = HexFormat.of();
        String traceId = "";
        String spanId = "";
        String parent = "";
        String state = "";
        String name = "";
        int kind = 0;
        int status = 0;
        List<byte[]> attributes = new ArrayList<>();
        for (Field field : fields(bytes)) {
            switch (field.number()) {
                case 1 -> traceId = hex.formatHex(field.bytes());
                case 2 -> spanId = hex.formatHex(field.bytes());
                case 3 -> state = new String(field.bytes(), StandardCharsets.UTF_8);
                case 4 -> parent = hex.formatHex(field.bytes());
                case 5 -> name = new String(field.bytes(), StandardCharsets.UTF_8);
                case 6 -> kind = (int) field.value();
                case 9 -> attributes.add(field.bytes());
                case 15 -> {
                    for (Field s : fields(field.bytes())) {
                        if (s.number() == 3) {
                            status = (int) s.value();
                        }
                    }
                }
                default -> {
                }
            }
        }
        Map<String, String> attributeMap = new LinkedHashMap<>();
        for (byte[] keyValue : attributes) {
            attributeMap.putAll(keyValue(keyValue));
        }
        return new Span(service, traceId, spanId, parent, state, name, kind, attributeMap, status);
    }

    /** The KeyValue fields numbered {@code number} of a message. */
    private static Map<String, String> attributes(byte[] message, int number) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Field field : fields(message)) {
            if (field.number() == number) {
                out.putAll(keyValue(field.bytes()));
            }
        }
        return out;
    }

    private static Map<String, String> keyValue(byte[] bytes) {
        String key = null;
        String value = null;
        for (Field field : fields(bytes)) {
            if (field.number() == 1) {
                key = new String(field.bytes(), StandardCharsets.UTF_8);
            } else if (field.number() == 2) {
                for (Field any : fields(field.bytes())) {
                    // AnyValue: 1 string, 2 bool, 3 int (varint), 4 double.
                    value = switch (any.number()) {
                        case 1 -> new String(any.bytes(), StandardCharsets.UTF_8);
                        case 2, 3 -> Long.toString(any.value());
                        case 4 -> Double.toString(Double.longBitsToDouble(any.value()));
                        default -> value;
                    };
                }
            }
        }
        return key == null ? Map.of() : Map.of(key, value == null ? "" : value);
    }

    private record Field(int number, long value, byte[] bytes) {
    }

    private static List<Field> fields(byte[] message) {
        List<Field> out = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < message.length) {
            long tag = varint(message, pos);
            int number = (int) (tag >>> 3);
            int type = (int) (tag & 7);
            switch (type) {
                case 0 -> out.add(new Field(number, varint(message, pos), null));
                case 1 -> {
                    long value = 0;
                    for (int i = 0; i < 8; i++) {
                        value |= (message[pos[0] + i] & 0xffL) << (8 * i);
                    }
                    pos[0] += 8;
                    out.add(new Field(number, value, null));
                }
                case 2 -> {
                    int length = (int) varint(message, pos);
                    byte[] bytes = java.util.Arrays.copyOfRange(message, pos[0], pos[0] + length);
                    pos[0] += length;
                    out.add(new Field(number, 0, bytes));
                }
                case 5 -> {
                    long value = 0;
                    for (int i = 0; i < 4; i++) {
                        value |= (message[pos[0] + i] & 0xffL) << (8 * i);
                    }
                    pos[0] += 4;
                    out.add(new Field(number, value, null));
                }
                default -> throw new IllegalArgumentException("wire type " + type);
            }
        }
        return out;
    }

    private static long varint(byte[] message, int[] pos) {
        long value = 0;
        int shift = 0;
        while (true) {
            byte b = message[pos[0]++];
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
            shift += 7;
        }
    }
}
