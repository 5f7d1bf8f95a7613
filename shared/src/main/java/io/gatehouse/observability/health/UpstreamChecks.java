package io.gatehouse.observability.health;

import io.gatehouse.definition.GatewayState;
import io.gatehouse.upstream.TargetState;
import io.gatehouse.upstream.Upstream;
import jakarta.inject.Singleton;

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
 * One check per upstream in force: a {@code GET} of its health-check path on every target. Any
 * answer below 500 counts as reachable. Upstreams are not critical: one that is down degrades the
 * gateway.
 */
@Singleton
final class UpstreamChecks implements DependencyChecks {

    private final GatewayState state;
    private final HttpClient client = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(2))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();

    UpstreamChecks(GatewayState state) {
        this.state = state;
    }

    @Override
    public List<DependencyCheck> checks() {
        return state.current().upstreams().values().stream()
            .map(u -> (DependencyCheck) new UpstreamCheck(u, client))
            .toList();
    }
}

/**
 * The check of one upstream.
 */
final class UpstreamCheck implements DependencyCheck {

    private final Upstream upstream;
    private final HttpClient client;

    UpstreamCheck(Upstream upstream, HttpClient client) {
        this.upstream = upstream;
        this.client = client;
    }

    @Override
    public String name() {
        return "upstream:" + upstream.name();
    }

    @Override
    public boolean critical() {
        return false;
    }

    @Override
    public CheckResult check(Duration timeout) throws Exception {
        Map<String, Object> targets = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (TargetState state : upstream.targets()) {
            String target = state.url().toString();
            URI uri = URI.create(stripTrailingSlash(target) + upstream.definition().healthCheck().path());
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
