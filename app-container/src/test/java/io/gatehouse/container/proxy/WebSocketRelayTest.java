package io.gatehouse.container.proxy;

import io.gatehouse.observability.GatewayMetrics;
import io.gatehouse.testing.Await;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link WebSocketRelay} between {@code java.net.http}'s WebSocket client and a real WebSocket
 * upstream: frames both ways, size limits, close codes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebSocketRelayTest {

    private static final long WAIT_SECONDS = 10;

    private WebSocketEchoUpstream upstream;
    private ProxyGateway gateway;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws InterruptedException {
        upstream = new WebSocketEchoUpstream();
        gateway = ProxyGateway.start("""
            upstreams:
              echo: { targets: [ "ws://127.0.0.1:%d" ] }
            routes:
              - { id: ws, match: { path: "/ws/**" }, upstream: echo, websocket: true }
              - id: small
                match: { path: "/small/**" }
                upstream: echo
                rewrite: "/ws/{**}"
                websocket: true
                websocket-limits: { max-frame-size: 1024, max-message-size: 2048 }
              - { id: plain, match: { path: "/plain/**" }, upstream: echo }
              - { id: counted, match: { path: "/counted/**" }, upstream: echo, rewrite: "/ws/{**}", websocket: true }
            """.formatted(upstream.port()));
    }

    @AfterAll
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void messages_flowBothWays() throws Exception {
        Listener listener = new Listener();
        WebSocket ws = connect("/ws/chat", listener);
        ws.sendText("hello", true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals("hello", listener.next());
        ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) listener.messages.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals("127.0.0.1", upstream.handshakeForwardedFor().poll(WAIT_SECONDS, TimeUnit.SECONDS));
        ws.sendClose(1000, "bye").get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(1000, listener.closeCode.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void openRelay_thenCountedOnItsRouteUntilItEnds() throws Exception {
        Gauge open = gateway.context().getBean(MeterRegistry.class).find(GatewayMetrics.WEBSOCKET_CONNECTIONS)
            .tag("route", "counted").gauge();
        Listener listener = new Listener();
        WebSocket ws = connect("/counted/chat", listener);
        ws.sendText("hello", true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals("hello", listener.next());
        Gauge registered = open != null ? open
            : gateway.context().getBean(MeterRegistry.class).find(GatewayMetrics.WEBSOCKET_CONNECTIONS).tag("route", "counted").gauge();
        assertEquals(1.0, registered.value());
        ws.sendClose(1000, "bye").get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(1000, listener.closeCode.get(WAIT_SECONDS, TimeUnit.SECONDS));
        Await.until("the relay's end counted", Duration.ofSeconds(WAIT_SECONDS), () -> registered.value() == 0.0);
    }

    @Test
    void clientCloseCode_reachesTheUpstreamAndItsReplyTheClient() throws Exception {
        upstream.closeCodes().clear();
        Listener listener = new Listener();
        WebSocket ws = connect("/ws/chat", listener);
        ws.sendClose(4000, "done").get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(4000, upstream.closeCodes().poll(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(4000, listener.closeCode.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void upstreamCloseCode_reachesTheClient() throws Exception {
        Listener listener = new Listener();
        WebSocket ws = connect("/ws/chat", listener);
        ws.sendText("close-me:4001", true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(4001, listener.closeCode.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals("bye", listener.closeReason);
    }

    @Test
    void frameOverTheLimit_closesBothSidesWith1009() throws Exception {
        upstream.closeCodes().clear();
        Listener listener = new Listener();
        WebSocket ws = connect("/small/chat", listener);
        ws.sendText("ok", true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals("ok", listener.next());
        ws.sendText("x".repeat(2000), true);
        assertEquals(1009, listener.closeCode.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1009, upstream.closeCodes().poll(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void upstreamFrameOverTheLimit_closesTheClientWith1009() throws Exception {
        Listener listener = new Listener();
        WebSocket ws = connect("/small/chat", listener);
        ws.sendText("big:1500", true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(1009, listener.closeCode.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void fragmentedMessageOverTheLimit_closesWith1009() throws Exception {
        upstream.closeCodes().clear();
        Listener listener = new Listener();
        WebSocket ws = connect("/small/chat", listener);
        ws.sendText("a".repeat(1000), false).get(WAIT_SECONDS, TimeUnit.SECONDS);
        ws.sendText("b".repeat(1000), false).get(WAIT_SECONDS, TimeUnit.SECONDS);
        ws.sendText("c".repeat(1000), true);
        assertEquals(1009, listener.closeCode.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1009, upstream.closeCodes().poll(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void upgradeOnANonWebSocketRoute_isForwardedWithoutIt() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("GET /plain/x HTTP/1.1\r\nHost: gw.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
            RawHttp.Response response = raw.read();
            assertEquals(200, response.status());
            assertEquals("upgrade: none", response.body());
        }
    }

    private WebSocket connect(String path, Listener listener) throws Exception {
        return client.newWebSocketBuilder()
            .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + path), listener)
            .get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Collects whole messages and the close. */
    private static final class Listener implements WebSocket.Listener {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        volatile String closeReason;
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        String next() throws InterruptedException {
            return (String) messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
