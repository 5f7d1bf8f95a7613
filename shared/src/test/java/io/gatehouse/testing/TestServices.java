package io.gatehouse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Where the real PostgreSQL, Redis and Kafka of the test run are. {@code bin/gatehouse test}
 * starts them and exports {@code GATEHOUSE_TEST_*}; a test started some other way (an IDE, a bare
 * {@code ./mvnw verify}) finds them closed and runs the same script, {@code bin/services/all.sh
 * up}, once. There is no other place that starts services.
 */
public final class TestServices {

    private static volatile boolean ensured;
    private static volatile boolean oidcEnsured;

    private TestServices() {
    }

    /**
     * @return the JDBC URL of the test database
     */
    public static String postgresUrl() {
        ensureUp();
        return env("GATEHOUSE_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    }

    /**
     * @return the Redis URI of the test run
     */
    public static String redisUri() {
        ensureUp();
        return env("GATEHOUSE_TEST_REDIS_URI", "redis://127.0.0.1:6379");
    }

    /**
     * @return the Kafka bootstrap servers of the test run
     */
    public static String kafkaBootstrap() {
        ensureUp();
        return env("GATEHOUSE_TEST_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
    }

    /**
     * The issuer of the test run's OpenID provider (Keycloak, realm {@code gatehouse}). Keycloak is
     * slow to start (about 43 s the first time, 12 s later), so it is started once per run: by
     * {@code bin/gatehouse test}, or here by {@code bin/services/all.sh up} with
     * {@code GATEHOUSE_SERVICES=keycloak} when its discovery document does not answer.
     *
     * @return the issuer, such as {@code http://127.0.0.1:8180/realms/gatehouse}
     */
    public static String oidcIssuer() {
        String issuer = env("GATEHOUSE_TEST_OIDC_ISSUER",
            "http://127.0.0.1:" + env("GATEHOUSE_KEYCLOAK_PORT", "8180") + "/realms/gatehouse");
        synchronized (TestServices.class) {
            if (!oidcEnsured) {
                if (!discoveryAnswers(issuer)) {
                    startWithScript("keycloak");
                    if (!discoveryAnswers(issuer)) {
                        throw new IllegalStateException("Keycloak does not serve " + issuer
                            + " after bin/services/all.sh up; run bin/gatehouse test, which starts it");
                    }
                }
                oidcEnsured = true;
            }
        }
        return issuer;
    }

    private static boolean discoveryAnswers(String issuer) {
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(1)).build()) {
            java.net.http.HttpResponse<Void> response = client.send(
                java.net.http.HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
                    .timeout(java.time.Duration.ofSeconds(5)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static synchronized void ensureUp() {
        if (ensured) {
            return;
        }
        if (!allOpen()) {
            startWithScript(null);
            if (!allOpen()) {
                throw new IllegalStateException("PostgreSQL, Redis or Kafka is not reachable after bin/services/all.sh up; "
                    + "run bin/gatehouse test, which starts them");
            }
        }
        ensured = true;
    }

    private static boolean allOpen() {
        URI postgres = URI.create(env("GATEHOUSE_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test").substring(5));
        URI redis = URI.create(env("GATEHOUSE_TEST_REDIS_URI", "redis://127.0.0.1:6379"));
        String[] kafka = env("GATEHOUSE_TEST_KAFKA_BOOTSTRAP", "127.0.0.1:9092").split(",")[0].split(":");
        return open(postgres.getHost(), postgres.getPort())
            && open(redis.getHost(), redis.getPort())
            && open(kafka[0], Integer.parseInt(kafka[1]));
    }

    private static boolean open(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @param services the value of {@code GATEHOUSE_SERVICES} for the script, or {@code null} for its default
     */
    private static void startWithScript(String services) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isExecutable(dir.resolve("bin/services/all.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("bin/services/all.sh not found above " + Path.of("").toAbsolutePath());
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(dir.resolve("bin/services/all.sh").toString(), "up")
                .directory(dir.toFile()).inheritIO();
            if (services != null) {
                builder.environment().put("GATEHOUSE_SERVICES", services);
            }
            Process process = builder.start();
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("bin/services/all.sh up failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
