package io.gatehouse.container.proxy;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A WebSocket upgrade passes the policy chain like any request: it counts once against the
 * route's limits (in memory here, the embedded default), the frames after it not at all, and an
 * upgrade over the limit is refused 429 with the rate-limit headers before the upstream is asked.
 */
class WebSocketRateLimitTest {

    @Test
    void upgradeOverTheLimit_then429AndFramesNeverCount() throws Exception {
        try (WebSocketEchoUpstream upstream = new WebSocketEchoUpstream();
             ProxyGateway gateway = ProxyGateway.start("""
                 upstreams:
                   echo: { targets: [ "ws://127.0.0.1:%d" ] }
                 routes:
                   - id: ws
                     match: { path: "/ws/**" }
                     upstream: echo
                     websocket: true
                     limits: [ { by: ip, requests: 1, per: hour } ]
                 """.formatted(upstream.port()))) {
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("ws://127.0.0.1:" + gateway.port() + "/ws/chat");
            LinkedBlockingQueue<String> echoed = new LinkedBlockingQueue<>();
            WebSocket socket = client.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    echoed.add(data.toString());
                    webSocket.request(1);
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 3; i++) {
                socket.sendText("frame " + i, true).get(10, TimeUnit.SECONDS);
                assertEquals("frame " + i, echoed.poll(10, TimeUnit.SECONDS), "frames flow: they are not requests");
            }
            CompletableFuture<WebSocket> second = client.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() { });
            ExecutionException refused = assertThrows(ExecutionException.class, () -> second.get(10, TimeUnit.SECONDS));
            WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
            assertEquals(429, handshake.getResponse().statusCode());
            assertEquals("0", handshake.getResponse().headers().firstValue("RateLimit-Remaining").orElseThrow());
            assertTrue(handshake.getResponse().headers().firstValue("Retry-After").isPresent());
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        }
    }
}
