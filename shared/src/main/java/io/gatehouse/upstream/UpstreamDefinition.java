package io.gatehouse.upstream;

import io.gatehouse.config.ConfigNode;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One upstream as configured under {@code upstreams.<name>}.
 *
 * @param name            the upstream's name, referenced by routes
 * @param targets         the instances, at least one
 * @param loadBalancer    how a target is chosen
 * @param hashOn          for consistent hashing: {@code header:<name>} or {@code claim:<name>}
 * @param healthCheck     active health checking
 * @param outlierDetection passive ejection of failing targets
 * @param circuitBreaker  the upstream's circuit breaker
 */
public record UpstreamDefinition(
    String name,
    List<Target> targets,
    LoadBalancer loadBalancer,
    String hashOn,
    HealthCheck healthCheck,
    OutlierDetection outlierDetection,
    CircuitBreaker circuitBreaker) {

    /** Load-balancing policies. */
    public enum LoadBalancer {
        /** Each target in turn, weights ignored. */
        ROUND_ROBIN,
        /** Smooth weighted round robin (nginx's): a target with weight 3 gets three of every four requests against weight 1. */
        WEIGHTED,
        /** The target with the fewest requests in flight, ties broken in turn. */
        LEAST_OUTSTANDING,
        /** A hash ring on a header or claim: the same key goes to the same target while it is healthy. */
        CONSISTENT_HASH
    }

    /**
     * One instance of an upstream.
     *
     * @param url    its base URL
     * @param weight its weight, 1 to 1000
     */
    public record Target(URI url, int weight) {
    }

    /**
     * Active health checking: a request to every target at an interval.
     *
     * @param enabled            whether probes run (the container only; Lambda has no background work)
     * @param path               the path requested
     * @param interval           time between probes
     * @param timeout            how long a probe may take
     * @param healthyThreshold   consecutive successes that mark a target healthy again
     * @param unhealthyThreshold consecutive failures that mark it unhealthy
     */
    public record HealthCheck(boolean enabled, String path, Duration interval, Duration timeout,
                              int healthyThreshold, int unhealthyThreshold) {
        /** Default probe path. */
        public static final String DEFAULT_PATH = "/";
        static final HealthCheck DEFAULT = new HealthCheck(false, DEFAULT_PATH, Duration.ofSeconds(10), Duration.ofSeconds(2), 2, 3);
    }

    /**
     * Passive outlier detection: a target that fails this many times in a row is ejected for a while.
     *
     * @param consecutiveFailures failures (connect errors, timeouts, 5xx) that eject a target; 0 disables
     * @param ejectionTime        how long an ejected target receives no traffic
     */
    public record OutlierDetection(int consecutiveFailures, Duration ejectionTime) {
        static final OutlierDetection DEFAULT = new OutlierDetection(5, Duration.ofSeconds(30));
    }

    /**
     * The upstream's circuit breaker (Resilience4j, count-based window).
     *
     * @param enabled              whether it is used
     * @param failureRateThreshold percentage of failed calls that opens it
     * @param minimumCalls         calls needed before the rate counts
     * @param slidingWindow        calls in the window
     * @param waitInOpen           how long it stays open before letting probes through
     * @param permittedInHalfOpen  probe calls in half-open state
     */
    public record CircuitBreaker(boolean enabled, int failureRateThreshold, int minimumCalls, int slidingWindow,
                                 Duration waitInOpen, int permittedInHalfOpen) {
        static final CircuitBreaker DEFAULT = new CircuitBreaker(true, 50, 20, 100, Duration.ofSeconds(30), 5);
    }

    /**
     * Reads an upstream from configuration, recording every problem.
     *
     * @param name the upstream's name
     * @param node its configuration
     * @return the definition, or {@code null} when it is unusable
     */
    public static UpstreamDefinition parse(String name, ConfigNode node) {
        node.allowOnly("targets", "url", "load-balancer", "hash-on", "health-check", "health-path", "outlier-detection", "circuit-breaker");
        List<Target> targets = node.get("targets").list(UpstreamDefinition::target);
        if (!node.get("url").isMissing()) {
            URI url = node.get("url").httpUrl();
            if (url != null) {
                targets = java.util.stream.Stream.concat(targets.stream(), java.util.stream.Stream.of(new Target(url, 1))).toList();
            }
        }
        if (targets.isEmpty() && node.get("targets").isMissing() && node.get("url").isMissing()) {
            node.get("targets").problem("is required: list at least one target URL");
        }
        LoadBalancer lb = node.get("load-balancer").choice(LoadBalancer.ROUND_ROBIN, LoadBalancer.class);
        String hashOn = node.get("hash-on").string(null);
        if (lb == LoadBalancer.CONSISTENT_HASH && (hashOn == null || !(hashOn.startsWith("header:") || hashOn.startsWith("claim:")))) {
            node.get("hash-on").problem("consistent-hash needs hash-on: header:<name> or claim:<name>");
        }
        return new UpstreamDefinition(name, targets, lb, hashOn == null ? null : hashOn.toLowerCase(Locale.ROOT).startsWith("header:")
            ? "header:" + hashOn.substring(7).toLowerCase(Locale.ROOT) : hashOn,
            healthCheck(node), outlier(node.get("outlier-detection")), breaker(node.get("circuit-breaker")));
    }

    private static Target target(ConfigNode node) {
        if (node.raw() instanceof java.util.Map<?, ?>) {
            node.allowOnly("url", "weight");
            URI url = node.get("url").httpUrl();
            int weight = node.get("weight").integer(1, 1, 1000);
            return url == null ? null : new Target(url, weight);
        }
        URI url = node.httpUrl();
        return url == null ? null : new Target(url, 1);
    }

    private static HealthCheck healthCheck(ConfigNode upstream) {
        ConfigNode node = upstream.get("health-check");
        HealthCheck d = HealthCheck.DEFAULT;
        String legacyPath = upstream.get("health-path").string(null);
        if (node.isMissing()) {
            return legacyPath == null ? d : new HealthCheck(d.enabled(), normalisePath(legacyPath), d.interval(), d.timeout(),
                d.healthyThreshold(), d.unhealthyThreshold());
        }
        node.allowOnly("enabled", "path", "interval", "timeout", "healthy-threshold", "unhealthy-threshold");
        String path = node.get("path").string(legacyPath == null ? d.path() : legacyPath);
        return new HealthCheck(
            node.get("enabled").bool(true),
            normalisePath(path),
            positive(node.get("interval"), d.interval()),
            positive(node.get("timeout"), d.timeout()),
            node.get("healthy-threshold").integer(d.healthyThreshold(), 1, 100),
            node.get("unhealthy-threshold").integer(d.unhealthyThreshold(), 1, 100));
    }

    private static OutlierDetection outlier(ConfigNode node) {
        OutlierDetection d = OutlierDetection.DEFAULT;
        node.allowOnly("consecutive-failures", "ejection-time");
        return new OutlierDetection(
            node.get("consecutive-failures").integer(d.consecutiveFailures(), 0, 10_000),
            node.get("ejection-time").duration(d.ejectionTime()));
    }

    private static CircuitBreaker breaker(ConfigNode node) {
        CircuitBreaker d = CircuitBreaker.DEFAULT;
        node.allowOnly("enabled", "failure-rate-threshold", "minimum-calls", "sliding-window", "wait-in-open", "permitted-in-half-open");
        return new CircuitBreaker(
            node.get("enabled").bool(d.enabled()),
            node.get("failure-rate-threshold").integer(d.failureRateThreshold(), 1, 100),
            node.get("minimum-calls").integer(d.minimumCalls(), 1, 100_000),
            node.get("sliding-window").integer(d.slidingWindow(), 1, 100_000),
            positive(node.get("wait-in-open"), d.waitInOpen()),
            node.get("permitted-in-half-open").integer(d.permittedInHalfOpen(), 1, 1000));
    }

    private static Duration positive(ConfigNode node, Duration fallback) {
        Duration value = node.duration(fallback);
        if (value.isZero() || value.isNegative()) {
            node.problem("must be a positive duration such as 500ms or 5s");
            return fallback;
        }
        return value;
    }

    private static String normalisePath(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }
}
