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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
        // Probe every target at once, so several slow targets still fit in one timeout.
        Map<String, CompletableFuture<HttpResponse<Void>>> probes = new LinkedHashMap<>();
        for (TargetState state : upstream.targets()) {
            URI uri = URI.create(stripTrailingSlash(state.url().toString()) + upstream.definition().healthCheck().path());
            probes.put(state.url().toString(), client.sendAsync(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.discarding()));
        }
        Map<String, Object> targets = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<HttpResponse<Void>>> probe : probes.entrySet()) {
            String target = probe.getKey();
            try {
                int status = probe.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS).statusCode();
                boolean up = status < 500;
                targets.put(target, up ? "ok" : "down (" + status + ")");
                if (!up) {
                    failures.add(target + " answered " + status);
                }
            } catch (ExecutionException | TimeoutException e) {
                probe.getValue().cancel(true);
                Throwable cause = e.getCause() == null ? e : e.getCause();
                targets.put(target, "down");
                failures.add(target + ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
            }
        }
        Map<String, Object> details = Map.of("targets", targets);
        return failures.isEmpty() ? CheckResult.ok(details) : CheckResult.down(String.join("; ", failures), details);
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
