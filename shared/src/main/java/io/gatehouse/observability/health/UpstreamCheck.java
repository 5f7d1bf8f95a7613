package io.gatehouse.observability.health;

import io.gatehouse.upstream.UpstreamConfiguration;
import io.micronaut.context.annotation.EachBean;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One configured upstream: a {@code GET} of its health path on every target. Any answer below 500
 * counts as reachable. Upstreams are not critical: one that is down degrades the gateway.
 */
@EachBean(UpstreamConfiguration.class)
final class UpstreamCheck implements DependencyCheck {

    private final UpstreamConfiguration upstream;
    private final HttpClient client;

    UpstreamCheck(UpstreamConfiguration upstream) {
        this.upstream = upstream;
        this.client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    }

    @Override
    public String name() {
        return "upstream:" + upstream.getName();
    }

    @Override
    public boolean critical() {
        return false;
    }

    @Override
    public CheckResult check(Duration timeout) throws Exception {
        Map<String, Object> targets = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (String target : upstream.getTargets()) {
            URI uri = URI.create(stripTrailingSlash(target) + upstream.getHealthPath());
            try {
                HttpResponse<Void> response = client.send(
                    HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
                boolean up = response.statusCode() < 500;
                targets.put(target, up ? "ok" : "down (" + response.statusCode() + ")");
                if (!up) {
                    failures.add(target + " answered " + response.statusCode());
                }
            } catch (java.io.IOException e) {
                targets.put(target, "down");
                failures.add(target + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        Map<String, Object> details = Map.of("targets", targets);
        return failures.isEmpty() ? CheckResult.ok(details) : CheckResult.down(String.join("; ", failures), details);
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
