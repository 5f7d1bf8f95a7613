import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The soak's traffic (infra/bench/soak.sh), a single-file program: an upstream of its own, and for
 * the given duration, at once:
 * <ul>
 *   <li>proxied requests on a JWT route, the token rotated every 10 s (a new one each time, so
 *       the gateway's verified-token cache keeps turning over);</li>
 *   <li>session messages, a new session every 50 of them;</li>
 *   <li>stream churn: an SSE stream of a session opened, read until its first event, and closed,
 *       over and over;</li>
 *   <li>every minute, the route replaced through the admin API and the definition reloaded.</li>
 * </ul>
 * Prints a line per minute and, at the end, {@code done} with the counts by outcome; any answer
 * that is not the expected one is an error, counted by status.
 *
 * <p>Arguments: gateway base URL, admin token, JWT secret, duration in seconds, upstream port.
 */
public final class SoakLoad {

    private static final Map<String, AtomicLong> OUTCOMES = new ConcurrentHashMap<>();
    private static final AtomicReference<String> TOKEN = new AtomicReference<>();

    private SoakLoad() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String admin = args[1];
        byte[] secret = args[2].getBytes(StandardCharsets.UTF_8);
        long seconds = Long.parseLong(args[3]);
        int upstreamPort = Integer.parseInt(args[4]);

        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", upstreamPort), 512);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        rotate(secret);
        define(http, base, admin, upstreamPort, 0);

        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        Thread[] workers = {
            Thread.ofVirtual().start(() -> proxied(http, base, end)),
            Thread.ofVirtual().start(() -> proxied(http, base, end)),
            Thread.ofVirtual().start(() -> messages(http, base, end)),
            Thread.ofVirtual().start(() -> streams(http, base, end)),
        };
        long started = System.nanoTime();
        int minute = 0;
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(10_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            rotate(secret);
            long elapsed = (System.nanoTime() - started) / 1_000_000_000L;
            if (elapsed / 60 > minute) {
                minute = (int) (elapsed / 60);
                define(http, base, admin, upstreamPort, minute);
                System.out.println("minute " + minute + " " + OUTCOMES);
            }
        }
        for (Thread worker : workers) {
            worker.join();
        }
        upstream.stop(0);
        System.out.println("done " + OUTCOMES);
    }

    private static void count(String outcome) {
        OUTCOMES.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
    }

    private static void expect(HttpResponse<?> response, int status, String what) {
        count(response.statusCode() == status ? what + "_ok" : what + "_error_" + response.statusCode());
    }

    private static void proxied(HttpClient http, String base, long end) {
        long i = 0;
        while (System.nanoTime() < end) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/soak/items/" + (i++ % 1000)))
                    .header("Authorization", "Bearer " + TOKEN.get()).build(), HttpResponse.BodyHandlers.ofString());
                expect(response, 200, "proxied");
            } catch (Exception e) {
                count("proxied_error_" + e.getClass().getSimpleName());
            }
        }
    }

    private static void messages(HttpClient http, String base, long end) {
        String session = null;
        long i = 0;
        while (System.nanoTime() < end) {
            try {
                String body = session == null || i % 50 == 0 ? "{\"message\":\"soak " + i + "\"}"
                    : "{\"session_id\":\"" + session + "\",\"message\":\"soak " + i + "\"}";
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/session/message"))
                    .header("Authorization", "Bearer " + TOKEN.get()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                expect(response, 202, "message");
                String sessionId = field(response.body(), "session_id");
                String eventId = field(response.body(), "event_id");
                if (response.statusCode() == 202 && sessionId != null && eventId != null) {
                    if (sessionId.equals(session)) {
                        // A session with an event after this one's predecessor: a replay from it is never empty.
                        RESUME.set(new String[] {sessionId, PREVIOUS_EVENT.get()});
                    }
                    session = sessionId;
                    PREVIOUS_EVENT.set(eventId);
                }
                i++;
                Thread.sleep(20);
            } catch (Exception e) {
                count("message_error_" + e.getClass().getSimpleName());
            }
        }
    }

    private static String field(String json, String name) {
        int at = json.indexOf("\"" + name + "\":\"");
        return at < 0 ? null : json.substring(at + name.length() + 4, json.indexOf('"', at + name.length() + 4));
    }

    private static final AtomicReference<String> PREVIOUS_EVENT = new AtomicReference<>();
    /** A session and one of its events with at least one event after it. */
    private static final AtomicReference<String[]> RESUME = new AtomicReference<>();

    /**
     * Opens an SSE stream that resumes a session from one of its events ({@code Last-Event-ID}), reads
     * until the first replayed event (at most 10 s), and closes it; again and again.
     */
    private static void streams(HttpClient http, String base, long end) {
        while (System.nanoTime() < end) {
            String[] resume = RESUME.get();
            if (resume == null) {
                sleep(100);
                continue;
            }
            try {
                HttpResponse<java.util.stream.Stream<String>> response = http.send(HttpRequest.newBuilder(
                        URI.create(base + "/v1/session/" + resume[0] + "/events"))
                    .header("Authorization", "Bearer " + TOKEN.get()).header("Accept", "text/event-stream")
                    .header("Last-Event-ID", resume[1]).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofLines());
                java.util.stream.Stream<String> lines = response.body();
                Thread watchdog = Thread.ofVirtual().start(() -> {
                    sleep(10_000);
                    lines.close();
                });
                try (lines) {
                    if (response.statusCode() == 200) {
                        boolean event = lines.anyMatch(line -> line.startsWith("data:"));
                        count(event ? "stream_ok" : "stream_error_no_event");
                    } else {
                        count("stream_error_" + response.statusCode());
                    }
                } catch (java.io.UncheckedIOException e) {
                    count("stream_error_no_event_in_10s");
                } finally {
                    watchdog.interrupt();
                }
            } catch (Exception e) {
                count("stream_error_" + e.getClass().getSimpleName());
            }
            sleep(100);
        }
    }

    /** The route and its upstream through the admin API, then a reload: the route table is rebuilt. */
    private static void define(HttpClient http, String base, String admin, int upstreamPort, int generation) throws Exception {
        HttpResponse<String> upstream = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/upstreams/soak"))
            .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"targets\":[\"http://127.0.0.1:" + upstreamPort + "\"]}")).build(),
            HttpResponse.BodyHandlers.ofString());
        count(upstream.statusCode() / 100 == 2 ? "admin_ok" : "admin_error_" + upstream.statusCode());
        HttpResponse<String> route = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/routes/soak"))
            .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"match\":{\"path\":\"/soak/**\"},\"upstream\":\"soak\",\"auth\":\"jwt\","
                + "\"strip-prefix\":" + (generation % 2 == 0) + "}")).build(), HttpResponse.BodyHandlers.ofString());
        count(route.statusCode() / 100 == 2 ? "admin_ok" : "admin_error_" + route.statusCode() + " " + route.body());
        HttpResponse<String> reload = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/reload"))
            .header("Authorization", "Bearer " + admin).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        expect(reload, 200, "reload");
    }

    /** A new HS256 token for the soak user, with its own id: the gateway has not seen it before. */
    private static void rotate(byte[] secret) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = System.currentTimeMillis() / 1000;
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"sub\":\"soak-user\",\"tenant\":\"soak\",\"iat\":" + now + ",\"exp\":" + (now + 3600)
            + ",\"jti\":\"" + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        String signature = b64.encodeToString(mac.doFinal((header + "." + claims).getBytes(StandardCharsets.US_ASCII)));
        TOKEN.set(header + "." + claims + "." + signature);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
