package io.gatehouse.policy.cache;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.apikey.ApiKeyConfiguration;
import io.gatehouse.observability.GatewayMetrics;
import io.gatehouse.policy.Phase;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyResult;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.policy.ResponseHead;
import io.gatehouse.policy.store.PolicyRedis;
import io.gatehouse.policy.store.PolicyStore;
import io.gatehouse.policy.store.RequestKeys;
import io.gatehouse.policy.store.StoredPolicy;
import io.gatehouse.policy.store.StoredResponse;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.route.RequestView;
import io.gatehouse.route.RouteDefinition;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The response cache ({@link Phase#CACHE_LOOKUP}) of routes with a {@code cache} section: a GET or
 * HEAD whose key holds a fresh entry is answered from it ({@code X-Cache: HIT}, with {@code Age}, or
 * 304 when its {@code If-None-Match} or {@code If-Modified-Since} matches) without the upstream; any
 * other goes on ({@code X-Cache: MISS}) and the step's response side stores the response when it may.
 *
 * <p>The key is the route, the method (HEAD is served from GET's entry), the host, the normalised
 * path, the query in canonical order, the route's {@code vary} headers, and the caller's scope
 * ({@link RequestKeys#callerScope}): a response to one caller is never served to another. Nothing
 * is stored for a request with {@code Cache-Control: no-store} ({@code X-Cache: BYPASS}), nor a
 * response that says {@code no-store}, {@code no-cache} or {@code private}, varies on {@code *},
 * sets a cookie, has a status that is not cacheable by default, has no freshness left, or is larger
 * than the route's {@code max-entry-size}. Freshness is the response's {@code s-maxage}, else its
 * {@code max-age}, else its {@code Expires}, else the route's {@code ttl}, less the {@code Age} it
 * came with. A request's {@code no-cache}, {@code max-age} and {@code min-fresh} are honoured;
 * {@code only-if-cached} without a fresh entry is answered 504.
 *
 * <p>The response is stored on the way out of this step, before response transforms run: a hit
 * then goes through them exactly as the upstream's response did, and per-request headers (request
 * id, rate-limit state) are left out of what is stored. Storing never waits: the in-memory store
 * completes at once, a Redis write is sent without awaiting it. A Redis look-up that fails or
 * exceeds {@code gateway.cache.store-timeout} is a miss.
 */
@Singleton
@Requires(property = CacheConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class CachePolicy extends StoredPolicy<CacheRule> {

    /** The exchange attribute holding what the look-up decided. */
    static final String ATTRIBUTE = "gatehouse.cache";

    /** The response header that tells how the cache answered. */
    static final String X_CACHE = "X-Cache";

    /** Statuses cacheable by default (RFC 9110 §15.1), but 206: ranges are not cached. */
    static final Set<Integer> CACHEABLE_STATUSES = Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501);

    /** The headers a 304 carries from the stored response (RFC 9110 §15.4.5). */
    private static final List<String> NOT_MODIFIED_HEADERS = List.of("Cache-Control", "Content-Location", "Date", "ETag",
        "Expires", "Vary", "Last-Modified");

    private static final byte[] NO_BODY = new byte[0];

    /** What a request's look-up decided. */
    private enum Outcome { HIT, BYPASS }

    /**
     * A miss: the response may be stored under the key.
     *
     * @param key   the entry's key
     * @param store whether the response may be stored (a GET)
     */
    private record Miss(String key, boolean store) {
    }

    private final CacheConfiguration configuration;
    private final GatewayMetrics metrics;

    CachePolicy(CacheConfiguration configuration, PolicyRedis redis, ApiKeyConfiguration apiKeys, GatewayMetrics metrics) {
        super(CacheRule.KEY, configuration, redis, apiKeys, "response cache");
        this.configuration = configuration;
        this.metrics = metrics;
    }

    @Override
    protected CacheRule parse(ConfigNode route, RouteDefinition.Match match) {
        return CacheRule.parse(route, match);
    }

    @Override
    protected PolicyStep step(CompiledRoute route, CacheRule rule, PolicyStore store) {
        int maxEntrySize = rule.maxEntrySize() > 0 ? rule.maxEntrySize() : configuration.getMaxEntryBytes();
        return new CacheStep(route.id(), rule, store, maxEntrySize,
            metrics.cache(route.id(), route.definition().match().path().toString()));
    }

    private final class CacheStep extends Step<CacheRule> {

        private final int maxEntrySize;
        private final GatewayMetrics.CacheMeters meters;

        CacheStep(String routeId, CacheRule rule, PolicyStore store, int maxEntrySize, GatewayMetrics.CacheMeters meters) {
            super(routeId, rule, store);
            this.maxEntrySize = maxEntrySize;
            this.meters = meters;
        }

        @Override
        public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
            RequestView request = exchange.request();
            String method = request.method();
            if (!rule.methods().contains(method)) {
                return PolicyResult.PROCEED_STAGE;
            }
            CacheControl directives = CacheControl.of(request.headers("Cache-Control"));
            if (directives.has("no-store")) {
                exchange.attribute(ATTRIBUTE, Outcome.BYPASS);
                return PolicyResult.PROCEED_STAGE;
            }
            String key = key(exchange);
            boolean get = "GET".equals(method);
            if (directives.has("no-cache") || directives.isEmpty() && pragmaNoCache(request)) {
                // The client wants the upstream's answer; it may still refresh the entry.
                exchange.attribute(ATTRIBUTE, new Miss(key, get));
                return PolicyResult.PROCEED_STAGE;
            }
            return store.get(key)
                .exceptionally(unreachable -> null)
                .thenApply(bytes -> lookedUp(exchange, key, get, directives, bytes));
        }

        private PolicyResult lookedUp(PolicyExchange exchange, String key, boolean get, CacheControl directives, byte[] bytes) {
            long now = System.currentTimeMillis();
            CacheEntry entry = bytes == null ? null : CacheEntry.decode(bytes);
            if (entry != null && usable(entry, exchange.request(), directives, now)) {
                exchange.attribute(ATTRIBUTE, Outcome.HIT);
                return hit(exchange.request(), entry, now);
            }
            exchange.attribute(ATTRIBUTE, new Miss(key, get));
            if (directives.has("only-if-cached")) {
                throw new GatewayException(ErrorCode.GATEWAY_TIMEOUT, "The request asks for a cached response only, and none is fresh.",
                    Map.of("reason", "not_cached", "route", routeId), Map.of());
            }
            return PolicyResult.PROCEED;
        }

        private boolean usable(CacheEntry entry, RequestView request, CacheControl directives, long now) {
            if (now >= entry.expiresAt()) {
                return false;
            }
            for (Map.Entry<String, String> varied : entry.varied()) {
                if (!varied.getValue().equals(RequestKeys.joinedHeader(request, varied.getKey()))) {
                    return false;
                }
            }
            Long maxAge = directives.seconds("max-age");
            if (maxAge != null && entry.age(now) > maxAge) {
                return false;
            }
            Long minFresh = directives.seconds("min-fresh");
            return minFresh == null || (entry.expiresAt() - now) / 1000 >= minFresh;
        }

        private PolicyResult hit(RequestView request, CacheEntry entry, long now) {
            StoredResponse stored = entry.response();
            boolean notModified = notModified(request, entry);
            List<Map.Entry<String, String>> headers = new ArrayList<>(stored.headers().size() + 2);
            for (Map.Entry<String, String> header : stored.headers()) {
                if (!notModified || NOT_MODIFIED_HEADERS.stream().anyMatch(header.getKey()::equalsIgnoreCase)) {
                    headers.add(header);
                }
            }
            headers.add(Map.entry("Age", Long.toString(entry.age(now))));
            headers.add(Map.entry(X_CACHE, "HIT"));
            if (notModified) {
                return new PolicyResult.Respond(304, headers, NO_BODY);
            }
            return new PolicyResult.Respond(stored.status(), headers, "HEAD".equals(request.method()) ? NO_BODY : stored.body());
        }

        @Override
        public void response(PolicyExchange exchange, ResponseHead response) {
            Object outcome = exchange.attribute(ATTRIBUTE);
            // cache_hits_total and cache_misses_total, the SSO gateway's counters.
            if (outcome == Outcome.HIT) {
                meters.hit();
            } else if (outcome instanceof Miss) {
                meters.miss();
            }
            if (outcome == Outcome.BYPASS) {
                response.set(X_CACHE, "BYPASS");
            } else if (outcome instanceof Miss miss) {
                response.set(X_CACHE, "MISS");
                if (miss.store()) {
                    CacheEntry entry = storable(exchange.request(), response, System.currentTimeMillis());
                    if (entry != null) {
                        // Sent, not awaited: a failed write is logged by the store, and the next request misses.
                        store.put(miss.key(), entry.encode(), Duration.ofMillis(entry.expiresAt() - entry.storedAt()));
                    }
                }
            }
        }

        private CacheEntry storable(RequestView request, ResponseHead response, long now) {
            if (!CACHEABLE_STATUSES.contains(response.status()) || !response.headers("Set-Cookie").isEmpty()) {
                return null;
            }
            CacheControl directives = CacheControl.of(response.headers("Cache-Control"));
            if (directives.has("no-store") || directives.has("no-cache") || directives.has("private")) {
                return null;
            }
            List<String> varies = varies(response.headers("Vary"));
            if (varies == null) {
                return null;
            }
            byte[] body = response.body();
            if (body == null || body.length > maxEntrySize) {
                return null;
            }
            long initialAge = seconds(response.header("Age"));
            long freshFor = lifetimeMillis(response, directives, now) - initialAge * 1000;
            if (freshFor <= 0) {
                return null;
            }
            List<Map.Entry<String, String>> varied = new ArrayList<>(varies.size());
            for (String name : varies) {
                varied.add(Map.entry(name, RequestKeys.joinedHeader(request, name)));
            }
            return new CacheEntry(now, now + freshFor, initialAge, List.copyOf(varied), StoredResponse.of(response, body));
        }

        private long lifetimeMillis(ResponseHead response, CacheControl directives, long now) {
            Long seconds = directives.seconds("s-maxage");
            if (seconds == null) {
                seconds = directives.seconds("max-age");
            }
            if (seconds != null) {
                return seconds * 1000;
            }
            String expires = response.header("Expires");
            if (expires != null) {
                long at = httpDate(expires);
                String date = response.header("Date");
                long base = date == null ? now : httpDate(date);
                return at < 0 || base < 0 ? 0 : at - base;
            }
            return rule.ttl().toMillis();
        }

        private String key(PolicyExchange exchange) {
            RequestView request = exchange.request();
            StringBuilder material = new StringBuilder(256).append("v1\n").append(routeId).append('\n')
                .append("GET\n").append(request.host()).append('\n').append(request.path()).append('\n')
                .append(RequestKeys.canonicalQuery(request)).append('\n');
            for (String name : rule.vary()) {
                material.append(name).append(':').append(RequestKeys.joinedHeader(request, name)).append('\n');
            }
            material.append(callerScope(exchange));
            return RequestKeys.sha256Hex(material.toString());
        }
    }

    /**
     * Whether the client's validators match the stored response (RFC 9110 §13.1): its
     * {@code If-None-Match} (weak comparison, {@code *} matches), or, without one, its
     * {@code If-Modified-Since} against {@code Last-Modified} (or {@code Date}, or when stored).
     */
    static boolean notModified(RequestView request, CacheEntry entry) {
        List<String> noneMatch = request.headers("If-None-Match");
        if (!noneMatch.isEmpty()) {
            String etag = entry.response().header("ETag");
            if (etag == null) {
                return false;
            }
            String opaque = weak(etag.trim());
            for (String line : noneMatch) {
                for (String candidate : line.split(",")) {
                    String tag = candidate.trim();
                    if (tag.equals("*") || weak(tag).equals(opaque)) {
                        return true;
                    }
                }
            }
            return false;
        }
        String since = request.header("If-Modified-Since");
        if (since == null) {
            return false;
        }
        long at = httpDate(since);
        if (at < 0) {
            return false;
        }
        String lastModified = entry.response().header("Last-Modified");
        if (lastModified == null) {
            lastModified = entry.response().header("Date");
        }
        long modified = lastModified == null ? entry.storedAt() : httpDate(lastModified);
        return modified >= 0 && modified <= at;
    }

    private static String weak(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    /**
     * @param lines every {@code Vary} field line
     * @return the header names, lower case; {@code null} for {@code Vary: *}
     */
    static List<String> varies(List<String> lines) {
        List<String> names = new ArrayList<>();
        for (String line : lines) {
            for (String part : line.split(",")) {
                String name = part.trim().toLowerCase(Locale.ROOT);
                if (name.equals("*")) {
                    return null;
                }
                if (!name.isEmpty() && !names.contains(name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static boolean pragmaNoCache(RequestView request) {
        for (String value : request.headers("Pragma")) {
            if (value.toLowerCase(Locale.ROOT).contains("no-cache")) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param date an HTTP date (IMF-fixdate, RFC 1123)
     * @return epoch milliseconds, or {@code -1} when it is not one
     */
    static long httpDate(String date) {
        try {
            return ZonedDateTime.parse(date.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }

    private static long seconds(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
