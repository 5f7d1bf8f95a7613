package io.gatehouse.security.opa;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.apikey.ApiKeyConfiguration;
import io.gatehouse.route.RequestView;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.security.GatewayPrincipal;
import io.gatehouse.security.RoutePolicy;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Asks the decision service about one request: {@code POST <gateway.opa.url>/v1/data/<path>} with
 * {@code {"input": ...}} ({@link OpaInput}), through the JDK's {@link HttpClient#sendAsync}, so
 * no thread waits (an event loop least of all). The answer is OPA's {@code {"result": ...}}:
 * {@code true}/{@code false}, or an object with a boolean {@code allow} and an optional
 * {@code reason} string.
 *
 * <ul>
 *   <li>allowed: the request goes on with its principal;</li>
 *   <li>denied: 403 {@code forbidden}, {@code details.reason} {@code policy_denied} (with the
 *       policy's reason as {@code policy_reason});</li>
 *   <li>no {@code result} (the document is undefined: OPA answers {@code {}}): 403
 *       {@code policy_undefined}, whatever the failure mode: the service answered, and an
 *       undefined decision is no permission;</li>
 *   <li>unreachable, slower than {@code gateway.opa.timeout}, a status other than 200 or a body
 *       that is no decision: 503 {@code service_unavailable}, {@code details.reason}
 *       {@code policy_unavailable} with the {@code cause}, unless the route or the gateway says
 *       {@code failure-mode-allow}; then the request goes on, and the {@link Admission} carries the
 *       503 it would have had, so the audit log can tell it from a real allow;</li>
 *   <li>an unexpected error while asking (a bug, a URL the JDK's client refuses): a failure like
 *       the above, {@code cause} {@code error}, never an exception of another kind.</li>
 * </ul>
 * The input shows credentials ({@code gateway.opa.redact-headers}, {@code gateway.opa.redact-query-params}
 * and the API key header) as {@value OpaInput#REDACTED} unless the route or the gateway says
 * {@code forward-credentials}.
 * Decisions are not cached: the input holds the whole request, so a cache would seldom hit, and a
 * policy that changes (a revoked grant) must take effect on the next request.
 */
@Singleton
public class OpaClient {

    private static final Logger LOG = LoggerFactory.getLogger(OpaClient.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** What the decision service answered. */
    private sealed interface Outcome {
    }

    private record Allowed() implements Outcome {
    }

    private record Denied(String reason, boolean undefined) implements Outcome {
    }

    private record Failed(String cause, String detail) implements Outcome {
    }

    /**
     * What the decision service let through.
     *
     * @param principal  the caller
     * @param failedOpen {@code null} for a real allow; for a request let through because the decision
     *                   failed and the route fails open, the 503 it would otherwise have had
     */
    public record Admission(GatewayPrincipal principal, @Nullable GatewayException failedOpen) {
    }

    private final OpaConfiguration configuration;
    private final JsonMapper jsonMapper;
    private final OpaInput.Redaction redaction;
    // Built on first need: a Lambda cold start of a gateway without OPA routes pays nothing.
    private volatile HttpClient client;
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    OpaClient(OpaConfiguration configuration, JsonMapper jsonMapper, ApiKeyConfiguration apiKeys) {
        this.configuration = configuration;
        this.jsonMapper = jsonMapper;
        Set<String> headers = new HashSet<>(configuration.getRedactHeaders());
        // The API key header's name is configured elsewhere: renaming it must not let keys through.
        headers.add(apiKeys.getHeader().toLowerCase(Locale.ROOT));
        this.redaction = new OpaInput.Redaction(headers, new HashSet<>(configuration.getRedactQueryParams()));
        if (configuration.isForwardCredentials()) {
            LOG.warn("gateway.opa.forward-credentials is true: the decision service is shown every credential as sent, "
                + "and its decision logs keep them");
        }
    }

    private HttpClient client() {
        HttpClient current = client;
        if (current == null) {
            synchronized (this) {
                current = client;
                if (current == null) {
                    current = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(configuration.getTimeout())
                        .build();
                    client = current;
                }
            }
        }
        return current;
    }

    @PreDestroy
    synchronized void close() {
        if (client != null) {
            // Its selector and worker threads outlive the context otherwise.
            client.shutdownNow();
            client = null;
        }
    }

    /**
     * Asks for a decision.
     *
     * @param rule      the route's {@code authorization.opa}
     * @param match     the route the request matched
     * @param request   the request
     * @param principal the caller, already authenticated and past the route's other rules
     * @param hidden    lower-case names of headers the route fills from claims, left out of the input
     * @return the admission (allowed, or let through failing open), or a stage failed with a 403/503
     *         {@link GatewayException}; never a stage failed otherwise
     */
    public CompletionStage<Admission> decide(RoutePolicy.Opa rule, RouteMatch match, RequestView request,
                                             GatewayPrincipal principal, Set<String> hidden) {
        String url = configuration.getUrl();
        if (url == null) {
            // Misconfiguration, not an outage: never fail open for it.
            return CompletableFuture.failedFuture(unavailable(rule, "not_configured",
                "no decision service is configured (gateway.opa.url, OPA_URL)"));
        }
        try {
            return ask(url, rule, match, request, principal, hidden)
                .exceptionallyCompose(error -> {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    return cause instanceof GatewayException ? CompletableFuture.failedFuture(cause) : settle(rule, principal, unexpected(cause));
                });
        } catch (RuntimeException e) {
            return settle(rule, principal, unexpected(e));
        }
    }

    private CompletableFuture<Admission> ask(String url, RoutePolicy.Opa rule, RouteMatch match, RequestView request,
                                             GatewayPrincipal principal, Set<String> hidden) {
        boolean forward = rule.forwardCredentials() != null ? rule.forwardCredentials() : configuration.isForwardCredentials();
        byte[] body;
        try {
            body = jsonMapper.writeValueAsBytes(Map.of("input",
                OpaInput.of(match, request, principal, hidden, forward ? OpaInput.Redaction.NONE : redaction)));
        } catch (IOException e) {
            return settle(rule, principal, unexpected(e));
        }
        Duration timeout = configuration.getTimeout();
        HttpRequest post = HttpRequest.newBuilder(URI.create(url + "/v1/data/" + rule.path()))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        CompletableFuture<HttpResponse<byte[]>> sent = client().sendAsync(post, HttpResponse.BodyHandlers.ofByteArray());
        return sent.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .handle((response, error) -> {
                if (error != null) {
                    sent.cancel(true);
                    return failure(error);
                }
                return outcome(response);
            })
            .thenApply(outcome -> apply(rule, principal, outcome));
    }

    private CompletableFuture<Admission> settle(RoutePolicy.Opa rule, GatewayPrincipal principal, Outcome outcome) {
        try {
            return CompletableFuture.completedFuture(apply(rule, principal, outcome));
        } catch (GatewayException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Outcome unexpected(Throwable error) {
        LOG.error("Asking the decision service failed unexpectedly", error);
        return new Failed("error", "asking the decision service failed (" + error.getClass().getSimpleName() + ")");
    }

    private Admission apply(RoutePolicy.Opa rule, GatewayPrincipal principal, Outcome outcome) {
        return switch (outcome) {
            case Allowed allowed -> new Admission(principal, null);
            case Denied denied -> throw denied(rule, denied);
            case Failed failed -> {
                boolean open = rule.failureModeAllow() != null ? rule.failureModeAllow() : configuration.isFailureModeAllow();
                warn(rule, failed, open);
                GatewayException unavailable = unavailable(rule, failed.cause(), failed.detail());
                if (open) {
                    yield new Admission(principal, unavailable);
                }
                throw unavailable;
            }
        };
    }

    private Outcome outcome(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            return new Failed("bad_status", "the decision service answered " + response.statusCode());
        }
        Map<String, Object> document;
        try {
            document = jsonMapper.readValue(response.body(), Argument.mapOf(String.class, Object.class));
        } catch (IOException | RuntimeException e) {
            return new Failed("malformed", "the answer is not a JSON object");
        }
        if (document == null) {
            return new Failed("malformed", "the answer is not a JSON object");
        }
        if (!document.containsKey("result")) {
            return new Denied(null, true);
        }
        Object result = document.get("result");
        if (result instanceof Boolean allow) {
            return allow ? new Allowed() : new Denied(null, false);
        }
        if (result instanceof Map<?, ?> decision && decision.get("allow") instanceof Boolean allow) {
            Object reason = decision.get("reason");
            return allow ? new Allowed() : new Denied(reason instanceof String text && !text.isBlank() ? text : null, false);
        }
        return new Failed("malformed", "result is neither a boolean nor an object with a boolean allow");
    }

    private static Outcome failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return new Failed("timeout", "no decision within the timeout");
        }
        if (cause instanceof ConnectException || cause instanceof IOException) {
            return new Failed("unreachable", "the decision service cannot be reached");
        }
        return new Failed("unreachable", cause.getClass().getSimpleName());
    }

    private static GatewayException denied(RoutePolicy.Opa rule, Denied denied) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", denied.undefined() ? "policy_undefined" : "policy_denied");
        details.put("policy", rule.path());
        if (denied.reason() != null) {
            details.put("policy_reason", denied.reason());
        }
        String message = denied.undefined()
            ? "The policy " + rule.path() + " gave no decision for this request."
            : "The policy " + rule.path() + " denies this request" + (denied.reason() == null ? "." : ": " + denied.reason());
        return new GatewayException(ErrorCode.FORBIDDEN, message, details, Map.of());
    }

    private static GatewayException unavailable(RoutePolicy.Opa rule, String cause, String detail) {
        return new GatewayException(ErrorCode.SERVICE_UNAVAILABLE,
            "The policy decision for this route could not be made: " + detail + ".",
            Map.of("reason", "policy_unavailable", "policy", rule.path(), "cause", cause), Map.of("Retry-After", "1"));
    }

    private void warn(RoutePolicy.Opa rule, Failed failed, boolean open) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        // An outage fails every request: say so every ten seconds, not every request.
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            LOG.warn("Policy decision {} failed ({}: {}); requests are {} while it fails", rule.path(), failed.cause(),
                failed.detail(), open ? "let through (failure-mode-allow)" : "refused with 503");
        }
    }
}
