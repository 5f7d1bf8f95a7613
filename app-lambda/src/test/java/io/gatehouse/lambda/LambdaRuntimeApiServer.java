package io.gatehouse.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AWS Lambda Runtime API (version 2018-06-01) on loopback, as the Lambda service serves it to
 * a function's runtime: {@code GET /runtime/invocation/next} blocks until an event is queued and
 * hands it out with the {@code Lambda-Runtime-*} headers; {@code POST /runtime/invocation/{id}/response}
 * and {@code .../{id}/error} complete that invocation; {@code POST /runtime/init/error} records a
 * failed initialisation. Each of those answers {@code 202 Accepted} with {@code {"status":"OK"}}.
 */
final class LambdaRuntimeApiServer implements AutoCloseable {

    static final String FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:gatehouse";

    private static final String PREFIX = "/2018-06-01/runtime";
    private static final Pattern INVOCATION_RESULT = Pattern.compile(PREFIX + "/invocation/([^/]+)/(response|error)");
    private static final Duration INVOCATION_TIMEOUT = Duration.ofSeconds(30);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Result>> results = new ConcurrentHashMap<>();
    private final Map<String, Long> handedAt = new ConcurrentHashMap<>();
    private final CompletableFuture<Long> firstPoll = new CompletableFuture<>();
    private final List<Result> initErrors = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * One invocation handed to the runtime.
     *
     * @param requestId the {@code Lambda-Runtime-Aws-Request-Id}
     * @param payload   the event, JSON text
     */
    private record Event(String requestId, String payload) {
    }

    /**
     * What the runtime posted back for an invocation, or for its initialisation.
     *
     * @param error       {@code true} when posted to an {@code .../error} path
     * @param errorType   the {@code Lambda-Runtime-Function-Error-Type} header, or {@code null}
     * @param body        the posted body, UTF-8 text
     * @param handedNanos {@link System#nanoTime()} when the event was handed to the runtime (0 for an init error)
     * @param postedNanos {@link System#nanoTime()} when the runtime's post arrived
     */
    record Result(boolean error, String errorType, String body, long handedNanos, long postedNanos) {

        /** @return the invocation as Lambda bills it: event handed out to result posted */
        Duration duration() {
            return Duration.ofNanos(postedNanos - handedNanos);
        }
    }

    LambdaRuntimeApiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext(PREFIX + "/", this::handle);
        server.start();
    }

    /** @return the value for {@code AWS_LAMBDA_RUNTIME_API} */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Completes with {@link System#nanoTime()} of the first {@code /next} poll: initialisation is over. */
    CompletableFuture<Long> firstPoll() {
        return firstPoll;
    }

    /** @return every init error the runtime posted */
    List<Result> initErrors() {
        return List.copyOf(initErrors);
    }

    /**
     * Queues an event for the runtime's next poll.
     *
     * @param payload the event, JSON text
     * @return completes with what the runtime posted back for it
     */
    CompletableFuture<Result> invoke(String payload) {
        String requestId = UUID.randomUUID().toString();
        CompletableFuture<Result> result = new CompletableFuture<>();
        results.put(requestId, result);
        queue.add(new Event(requestId, payload));
        return result;
    }

    /** Fails the first poll and every pending invocation: the runtime is gone. */
    void runtimeExited(String why) {
        IllegalStateException cause = new IllegalStateException(why);
        firstPoll.completeExceptionally(cause);
        results.values().forEach(r -> r.completeExceptionally(cause));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if ("GET".equals(method) && path.equals(PREFIX + "/invocation/next")) {
                next(exchange);
                return;
            }
            Matcher result = INVOCATION_RESULT.matcher(path);
            if ("POST".equals(method) && result.matches()) {
                long postedAt = System.nanoTime();
                String body = body(exchange);
                CompletableFuture<Result> pending = results.get(result.group(1));
                if (pending == null) {
                    send(exchange, 400, "{\"errorMessage\":\"unknown request id\",\"errorType\":\"InvalidRequestID\"}");
                    return;
                }
                pending.complete(new Result("error".equals(result.group(2)), errorType(exchange), body,
                    handedAt.getOrDefault(result.group(1), postedAt), postedAt));
                send(exchange, 202, "{\"status\":\"OK\"}");
                return;
            }
            if ("POST".equals(method) && path.equals(PREFIX + "/init/error")) {
                Result error = new Result(true, errorType(exchange), body(exchange), 0, System.nanoTime());
                initErrors.add(error);
                firstPoll.completeExceptionally(new IllegalStateException("init error posted: " + error));
                send(exchange, 202, "{\"status\":\"OK\"}");
                return;
            }
            send(exchange, 404, "{\"errorMessage\":\"no such resource\",\"errorType\":\"NotFound\"}");
        }
    }

    /** Long-polls like Lambda: the runtime waits, without a timeout of its own, until an event is queued. */
    private void next(HttpExchange exchange) throws IOException {
        firstPoll.complete(System.nanoTime());
        Event event = null;
        try {
            while (event == null && !closed) {
                event = queue.poll(200, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (event == null) {
            send(exchange, 500, "{\"errorMessage\":\"shutting down\",\"errorType\":\"ServiceException\"}");
            return;
        }
        long deadline = System.currentTimeMillis() + INVOCATION_TIMEOUT.toMillis();
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("Lambda-Runtime-Aws-Request-Id", event.requestId());
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(deadline));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN);
        headers.set("Lambda-Runtime-Trace-Id",
            "Root=1-" + Long.toHexString(deadline / 1000) + "-" + event.requestId().replace("-", "").substring(0, 24)
                + ";Parent=9a9197af755a6419;Sampled=0");
        handedAt.put(event.requestId(), System.nanoTime());
        send(exchange, 200, event.payload());
    }

    private static String errorType(HttpExchange exchange) {
        return exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
    }

    private static String body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
