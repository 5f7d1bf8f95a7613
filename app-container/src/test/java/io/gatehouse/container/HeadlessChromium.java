package io.gatehouse.container;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Debian's headless Chromium driven through {@code chromedriver}, in W3C WebDriver's own terms
 * (plain JSON over HTTP on loopback): no browser-automation library. {@code bin/gatehouse test}
 * installs both packages when they are missing.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.createDefault();
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

    private final Process driver;
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;
    private final String session;

    private HeadlessChromium(Process driver, URI base, String session) {
        this.driver = driver;
        this.base = base;
        this.session = session;
    }

    /**
     * @return a browser with a fresh profile, ready
     */
    static HeadlessChromium start() {
        String chromium = binary("chromium");
        String chromedriver = binary("chromedriver");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process process;
        try {
            process = new ProcessBuilder(chromedriver, "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        URI base = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                HttpResponse<String> status = http.send(HttpRequest.newBuilder(base.resolve("/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
                if (status.statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("chromedriver did not start", e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        Map<String, Object> capabilities = Map.of("capabilities", Map.of("alwaysMatch", Map.of(
            "browserName", "chrome",
            "goog:chromeOptions", Map.of("binary", chromium,
                "args", List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1400,1100", "--user-data-dir=" + tempDir())))));
        Map<String, Object> created = call(http, "POST", base.resolve("/session"), capabilities);
        String session = String.valueOf(((Map<?, ?>) created.get("value")).get("sessionId"));
        return new HeadlessChromium(process, base, session);
    }

    private static String tempDir() {
        try {
            Path dir = Files.createTempDirectory("gatehouse-chromium");
            dir.toFile().deleteOnExit();
            return dir.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String binary(String name) {
        for (String dir : List.of("/usr/bin", "/usr/lib/chromium", "/usr/local/bin")) {
            Path path = Path.of(dir, name);
            if (Files.isExecutable(path)) {
                return path.toString();
            }
        }
        throw new IllegalStateException(name + " is not installed: bin/gatehouse test installs Debian's chromium and "
            + "chromium-driver (apt-get install chromium chromium-driver)");
    }

    void open(String url) {
        call("POST", "/url", Map.of("url", url));
    }

    /**
     * @param script a function body; {@code arguments} as WebDriver passes them
     * @return what it returned
     */
    Object script(String script) {
        return call("POST", "/execute/sync", Map.of("script", script, "args", List.of())).get("value");
    }

    void type(String css, String text) {
        call("POST", "/element/" + element(css) + "/value", Map.of("text", text));
    }

    void click(String css) {
        call("POST", "/element/" + element(css) + "/click", Map.of());
    }

    byte[] screenshot() {
        return Base64.getDecoder().decode(String.valueOf(call("GET", "/screenshot", null).get("value")));
    }

    private String element(String css) {
        Map<?, ?> value = (Map<?, ?>) call("POST", "/element", Map.of("using", "css selector", "value", css)).get("value");
        return String.valueOf(value.get(ELEMENT));
    }

    private Map<String, Object> call(String method, String path, Object body) {
        return call(http, method, base.resolve("/session/" + session + path), body);
    }

    private static Map<String, Object> call(HttpClient http, String method, URI uri, Object body) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).method(method, publisher)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            Map<String, Object> answer = JSON.readValue(response.body(), Argument.mapOf(String.class, Object.class));
            if (response.statusCode() != 200) {
                throw new IllegalStateException(method + " " + uri + ": " + response.statusCode() + " " + response.body());
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            call(http, "DELETE", base.resolve("/session/" + session), null);
        } catch (RuntimeException ignored) {
            // The driver goes down with the browser anyway.
        }
        driver.destroy();
    }
}
