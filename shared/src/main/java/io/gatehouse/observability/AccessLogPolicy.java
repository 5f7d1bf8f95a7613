package io.gatehouse.observability;

import io.gatehouse.policy.Phase;
import io.gatehouse.policy.Policy;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.security.GatewayPrincipal;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Internal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.util.StringUtils;
import jakarta.inject.Singleton;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * The access log as a member of every chain: one line per request when the exchange is
 * {@link PolicyStep#completed completed}, whatever answered it, written by {@link AccessLog}.
 *
 * <p>A JSON line carries {@code time} (when the request arrived), {@code request_id},
 * {@code trace_id}, {@code route}, {@code endpoint}, {@code upstream}, {@code target},
 * {@code method}, {@code path} (normalised, with the query and its
 * {@code gateway.access-log.redact-query-params} values {@code REDACTED}), {@code status},
 * {@code bytes_in}, {@code bytes_out}, {@code duration_ms}, {@code upstream_ms}, {@code principal},
 * {@code auth}, {@code consumer}, {@code tenant}, {@code client_ip}, {@code user_agent} and
 * {@code aborted}. No header but {@code User-Agent} is read: credentials ({@code Authorization},
 * cookies, API keys) cannot reach a line.
 */
@Singleton
@Internal
@Requires(beans = AccessLog.class)
final class AccessLogPolicy implements Policy {

    /** What a redacted query value is shown as. */
    static final String REDACTED = "REDACTED";

    private static final int MAX_PATH = 2048;
    private static final int MAX_USER_AGENT = 512;

    private final AccessLog log;
    private final boolean json;
    private final Set<String> redacted;

    AccessLogPolicy(AccessLog log, AccessLogConfiguration configuration) {
        this.log = log;
        this.json = configuration.getFormat() == AccessLogConfiguration.Format.JSON;
        this.redacted = Set.copyOf(configuration.getRedactQueryParams().stream().map(p -> p.toLowerCase(Locale.ROOT)).toList());
    }

    @Override
    public Phase phase() {
        return Phase.PREFLIGHT;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }

    @Override
    public PolicyStep compile(@Nullable CompiledRoute route) {
        if (route == null) {
            return new Step(null, null, null);
        }
        return new Step(route.id(), route.definition().match().path().toString(), route.definition().upstream());
    }

    private final class Step implements PolicyStep {
        private final String route;
        private final String endpoint;
        private final String upstream;

        Step(String route, String endpoint, String upstream) {
            this.route = route;
            this.endpoint = endpoint;
            this.upstream = upstream;
        }

        @Override
        public void completed(PolicyExchange exchange, boolean requestRan) {
            String routeLabel = route;
            String endpointLabel = endpoint;
            if (routeLabel == null) {
                endpointLabel = exchange.endpoint();
                routeLabel = endpointLabel == null ? GatewayMetrics.UNMATCHED : GatewayMetrics.GATEWAY_ROUTE;
            }
            log.write(json ? json(exchange, routeLabel, endpointLabel, upstream) : text(exchange, routeLabel, upstream));
        }
    }

    private String json(PolicyExchange exchange, String route, String endpoint, String upstream) {
        GatewayPrincipal principal = exchange.principal();
        StringBuilder out = new StringBuilder(512);
        out.append('{');
        field(out, "time", Instant.ofEpochMilli(exchange.startMillis()).toString(), true);
        field(out, "request_id", exchange.requestId(), false);
        field(out, "trace_id", TraceIds.of(exchange), false);
        field(out, "route", route, false);
        field(out, "endpoint", endpoint, false);
        field(out, "upstream", exchange.upstreamTarget() == null ? null : upstream, false);
        field(out, "target", exchange.upstreamTarget(), false);
        field(out, "method", exchange.request().method(), false);
        field(out, "path", path(exchange), false);
        out.append(",\"status\":").append(exchange.status());
        out.append(",\"bytes_in\":").append(exchange.bytesIn());
        out.append(",\"bytes_out\":");
        if (exchange.bytesOut() < 0) {
            out.append("null");
        } else {
            out.append(exchange.bytesOut());
        }
        out.append(",\"duration_ms\":").append(millis(exchange.durationNanos()));
        out.append(",\"upstream_ms\":");
        if (exchange.upstreamNanos() < 0) {
            out.append("null");
        } else {
            out.append(millis(exchange.upstreamNanos()));
        }
        field(out, "principal", principal.subject(), false);
        field(out, "auth", principal.anonymous() ? null : principal.method(), false);
        field(out, "consumer", consumer(principal), false);
        field(out, "tenant", principal.tenant(), false);
        field(out, "client_ip", exchange.clientIp(), false);
        field(out, "user_agent", capped(exchange.request().header("User-Agent"), MAX_USER_AGENT), false);
        out.append(",\"aborted\":").append(exchange.aborted());
        return out.append('}').toString();
    }

    private String text(PolicyExchange exchange, String route, String upstream) {
        GatewayPrincipal principal = exchange.principal();
        StringBuilder out = new StringBuilder(160);
        out.append(Instant.ofEpochMilli(exchange.startMillis())).append(' ')
            .append(exchange.request().method()).append(' ').append(printable(path(exchange))).append(' ')
            .append(exchange.status()).append(' ').append(millis(exchange.durationNanos())).append("ms ")
            .append(exchange.bytesOut() < 0 ? "-" : Long.toString(exchange.bytesOut())).append("B route=").append(route);
        if (exchange.upstreamTarget() != null) {
            out.append(" upstream=").append(upstream).append(' ').append(exchange.upstreamTarget());
        }
        if (!principal.anonymous()) {
            out.append(" principal=").append(printable(principal.method() + ":" + principal.subject()));
        }
        out.append(" id=").append(exchange.requestId());
        if (exchange.aborted()) {
            out.append(" aborted");
        }
        return out.toString();
    }

    private static String consumer(GatewayPrincipal principal) {
        Object consumer = principal.claim("consumer");
        return consumer instanceof String name ? name : null;
    }

    /** The normalised path, with the query's redacted values replaced. */
    String path(PolicyExchange exchange) {
        String path = exchange.request().path();
        String query = exchange.request().rawQuery();
        if (query == null || query.isEmpty()) {
            return capped(path, MAX_PATH);
        }
        StringBuilder out = new StringBuilder(path.length() + query.length() + 1).append(path).append('?');
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            String pair = query.substring(start, end);
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (start > 0) {
                out.append('&');
            }
            if (eq >= 0 && redacted.contains(decoded(name).toLowerCase(Locale.ROOT))) {
                out.append(name).append('=').append(REDACTED);
            } else {
                out.append(pair);
            }
            start = end + 1;
        }
        return capped(out.toString(), MAX_PATH);
    }

    private static String decoded(String name) {
        try {
            return URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return name;
        }
    }

    private static String capped(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max) + "...";
    }

    private static String millis(long nanos) {
        long micros = nanos / 1000;
        return micros / 1000 + "." + String.format(Locale.ROOT, "%03d", micros % 1000);
    }

    /** For the text format: control characters never reach a terminal. */
    private static String printable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }

    private static void field(StringBuilder out, String name, String value, boolean first) {
        if (!first) {
            out.append(',');
        }
        out.append('"').append(name).append("\":");
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
