package io.gatehouse.container.websocket;

import io.gatehouse.conversation.SessionSocket;
import io.gatehouse.conversation.SessionSockets;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.security.UpstreamIdentity;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpHeaders;
import io.micronaut.http.MediaType;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnError;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import io.micronaut.websocket.annotation.ServerWebSocket;
import io.swagger.v3.oas.annotations.Hidden;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /v1/session/{id}/stream} upgraded to a WebSocket: the events of the session (and of
 * those the client subscribes to) as {@code {"type":"event"}} frames, and messages and actions
 * sent as frames through the same intake as {@code POST /v1/session/message|action}. Micronaut
 * holds the connection; {@link SessionSocket} speaks the protocol (docs/streams.md, "WebSocket").
 * Every method here runs on the connection's event loop and only hands work on: nothing blocks it.
 *
 * <p>The upgrade always succeeds; the caller is admitted right after it, as the stream of
 * Server-Sent Events admits it, and a refusal is an error frame carrying the JSON error envelope
 * followed by close code 1008 (policy violation), so that a browser, which cannot read a refused
 * upgrade's response, learns why too.
 */
@ServerWebSocket(SessionWebSocket.PATH)
@Requires(beans = SessionSockets.class)
@Hidden
final class SessionWebSocket {

    /** The path, which {@code OwnedPaths} owns through Micronaut's router. */
    static final String PATH = "/v1/session/{id}/stream";

    private static final Logger LOG = LoggerFactory.getLogger(SessionWebSocket.class);
    /** The headers of the handshake (RFC 6455 4.1), which mean nothing once it is done. */
    private static final List<String> HANDSHAKE_HEADERS = List.of(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE,
        "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions");

    private final SessionSockets sockets;
    /** Each connection's socket by Micronaut's session id: a session attribute would cost each a map of its own. */
    private final Map<String, SessionSocket> open = new ConcurrentHashMap<>();

    SessionWebSocket(SessionSockets sockets) {
        this.sockets = sockets;
    }

    @OnOpen
    void open(String id, HttpRequest<?> request, WebSocketSession session) {
        String after = request.getParameters().get("after");
        shed(request);
        open.put(session.getId(), sockets.open(request, id, after, new Peer(session)));
    }

    /**
     * Micronaut keeps the upgrade request as long as the connection, and the socket checks each
     * message's credential against it; what served only the handshake and the 101 answer is
     * dropped, or every idle socket would carry it on the heap (docs/performance.md, "Idle session
     * WebSockets"): the handshake's own headers and what the policy chain attached for the answer.
     */
    private static void shed(HttpRequest<?> request) {
        request.removeAttribute(PolicyExchange.ATTRIBUTE, PolicyExchange.class);
        request.removeAttribute(UpstreamIdentity.ATTRIBUTE, UpstreamIdentity.class);
        // Micronaut's headers of a received request are Netty's, behind its mutable view.
        if (request.getHeaders() instanceof MutableHttpHeaders headers) {
            for (String handshake : HANDSHAKE_HEADERS) {
                headers.remove(handshake);
            }
        }
    }

    @OnMessage(maxPayloadLength = SessionSocket.MAX_FRAME)
    void message(String frame, WebSocketSession session) {
        SessionSocket socket = open.get(session.getId());
        if (socket != null) {
            socket.receive(frame);
        }
    }

    @OnClose
    void close(WebSocketSession session, CloseReason reason) {
        ended(session);
        if (session.isOpen()) {
            // The client closed: answer its close frame (Micronaut does not when an @OnClose exists).
            // 1005 and 1006 only ever describe a close; they are never sent.
            int code = reason.getCode() == 1005 || reason.getCode() == 1006 ? CloseReason.NORMAL.getCode() : reason.getCode();
            session.close(new CloseReason(code, ""));
        }
    }

    @OnError
    void error(WebSocketSession session, Throwable failure) {
        LOG.warn("A session WebSocket failed: {}", failure.getMessage());
        ended(session);
        if (session.isOpen()) {
            session.close(CloseReason.INTERNAL_ERROR);
        }
    }

    private void ended(WebSocketSession session) {
        SessionSocket socket = open.remove(session.getId());
        if (socket != null) {
            socket.closed();
        }
    }

    /**
     * The Micronaut session as the protocol's connection.
     */
    private record Peer(WebSocketSession session) implements SessionSocket.Peer {

        private static final byte[] PING = new byte[0];

        @Override
        public CompletionStage<?> send(String frame) {
            return session.sendAsync(frame, MediaType.TEXT_PLAIN_TYPE);
        }

        @Override
        public void ping() {
            if (session.isOpen()) {
                session.sendPingAsync(PING);
            }
        }

        @Override
        public void close(int code, String reason) {
            if (session.isOpen()) {
                session.close(new CloseReason(code, reason));
            }
        }
    }
}
