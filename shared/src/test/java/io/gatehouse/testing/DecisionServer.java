package io.gatehouse.testing;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP server on loopback that answers like Open Policy Agent's data API:
 * {@code POST /v1/data/<path>} with {@code {"input": ...}} is answered by the policy registered
 * for the path, and {@code {}} (an undefined document) when there is none. It records every input
 * it was shown, parsed and as the raw request body (what OPA's decision log would hold), and a
 * policy can answer slowly, with another status or with a body that is no decision.
 */
public final class DecisionServer implements AutoCloseable {

    /**
     * What a policy answers.
     *
     * @param status      the HTTP status
     * @param body        the body
     * @param delayMillis how long to wait before answering
     */
    public record Answer(int status, String body, long delayMillis) {

        /** @return {@code {"result": true}} */
        public static Answer allow() {
            return new Answer(200, "{\"result\":true}", 0);
        }

        /** @return {@code {"result": false}} */
        public static Answer deny() {
            return new Answer(200, "{\"result\":false}", 0);
        }

        /**
         * @param allow  the decision
         * @param reason its reason
         * @return {@code {"result": {"allow": ..., "reason": ...}}}
         */
        public static Answer decision(boolean allow, String reason) {
            return new Answer(200, "{\"result\":{\"allow\":" + allow + ",\"reason\":\"" + reason + "\"}}", 0);
        }

        /**
         * @param status the status
         * @param body   the body, as is
         * @return that answer
         */
        public static Answer raw(int status, String body) {
            return new Answer(status, body, 0);
        }

        /**
         * @param millis how long to wait
         * @return this answer, later
         */
        public Answer after(long millis) {
            return new Answer(status, body, millis);
        }
    }

    private final HttpServer server;
    private final Map<String, Function<Map<String, Object>, Answer>> policies = new ConcurrentHashMap<>();
    private final Map<String, List<Map<String, Object>>> inputs = new ConcurrentHashMap<>();
    private final Map<String, List<String>> bodies = new ConcurrentHashMap<>();

    private DecisionServer(HttpServer server) {
        this.server = server;
    }

    /**
     * @return a started decision server on an ephemeral loopback port
     */
    public static DecisionServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            DecisionServer decisions = new DecisionServer(server);
            server.createContext("/v1/data/", decisions::answer);
            server.start();
            return decisions;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param path   the document's path, such as {@code gatehouse/allow}
     * @param policy the answer to each input
     * @return this server
     */
    public DecisionServer policy(String path, Function<Map<String, Object>, Answer> policy) {
        policies.put(path, policy);
        return this;
    }

    /**
     * @param path a document's path
     * @return the inputs it was asked about, in order
     */
    public List<Map<String, Object>> inputs(String path) {
        return List.copyOf(inputs.getOrDefault(path, List.of()));
    }

    /**
     * @param path a document's path
     * @return the request bodies it was asked with, as received, in order
     */
    public List<String> bodies(String path) {
        return List.copyOf(bodies.getOrDefault(path, List.of()));
    }

    /**
     * @return the base URL, such as {@code http://127.0.0.1:41234}
     */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @SuppressWarnings("unchecked")
    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath().substring("/v1/data/".length());
        Answer answer;
        try {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, Object> input = (Map<String, Object>) JSONObjectUtils.parse(body).get("input");
            if (!"POST".equals(exchange.getRequestMethod()) || input == null) {
                answer = Answer.raw(400, "{\"code\":\"invalid_parameter\"}");
            } else {
                bodies.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(body);
                inputs.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(input);
                answer = policies.getOrDefault(path, i -> Answer.raw(200, "{}")).apply(input);
            }
        } catch (ParseException e) {
            answer = Answer.raw(400, "{\"code\":\"invalid_parameter\"}");
        }
        if (answer.delayMillis() > 0) {
            try {
                Thread.sleep(answer.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        try {
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException e) {
            // The gateway gave up waiting and closed the connection: what a slow policy is for.
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
