package io.gatehouse.container.websocket;

import io.gatehouse.conversation.SessionSocket;
import io.gatehouse.conversation.SessionSockets;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
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

import java.util.concurrent.CompletionStage;

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
    private static final String SOCKET = "gatehouse.session-socket";

    private final SessionSockets sockets;

    SessionWebSocket(SessionSockets sockets) {
        this.sockets = sockets;
    }

    @OnOpen
    void open(String id, HttpRequest<?> request, WebSocketSession session) {
        String after = request.getParameters().get("after");
        session.put(SOCKET, sockets.open(request, id, after, new Peer(session)));
    }

    @OnMessage(maxPayloadLength = SessionSocket.MAX_FRAME)
    void message(String frame, WebSocketSession session) {
        session.get(SOCKET, SessionSocket.class).ifPresent(socket -> socket.receive(frame));
    }

    @OnClose
    void close(WebSocketSession session, CloseReason reason) {
        session.get(SOCKET, SessionSocket.class).ifPresent(SessionSocket::closed);
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
        session.get(SOCKET, SessionSocket.class).ifPresent(SessionSocket::closed);
        if (session.isOpen()) {
            session.close(CloseReason.INTERNAL_ERROR);
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
