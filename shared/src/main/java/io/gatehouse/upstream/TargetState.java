package io.gatehouse.upstream;

import io.gatehouse.observability.GatewayMetrics;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live state of one target: requests in flight, active health, passive ejection. It outlives
 * route-table reloads as long as the upstream keeps the target.
 */
public final class TargetState {

    private final URI url;
    private final String host;
    private final int port;
    private final boolean secure;
    private final String basePath;
    private final int weight;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicInteger probeSuccesses = new AtomicInteger();
    private final AtomicInteger probeFailures = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger idleConnections = new AtomicInteger();
    private volatile boolean healthy = true;
    // Not 0: System.nanoTime() may be negative, and "now - ejectedUntil >= 0" must hold from the start.
    private volatile long ejectedUntilNanos = System.nanoTime();
    private volatile GatewayMetrics.TargetMeters meters = GatewayMetrics.TargetMeters.NONE;

    TargetState(UpstreamDefinition.Target target) {
        this.url = target.url();
        String scheme = url.getScheme().toLowerCase(java.util.Locale.ROOT);
        this.secure = scheme.equals("https") || scheme.equals("wss");
        this.host = url.getHost();
        this.port = url.getPort() > 0 ? url.getPort() : secure ? 443 : 80;
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.weight = target.weight();
    }

    /**
     * @return the configured URL
     */
    public URI url() {
        return url;
    }

    /**
     * @return the host to connect to
     */
    public String host() {
        return host;
    }

    /**
     * @return the port to connect to
     */
    public int port() {
        return port;
    }

    /**
     * @return whether the target speaks TLS
     */
    public boolean secure() {
        return secure;
    }

    /**
     * @return the target's own path prefix without a trailing slash, often empty
     */
    public String basePath() {
        return basePath;
    }

    /**
     * @return {@code host:port}, omitting the scheme's default port, for a {@code Host} header
     */
    public String authority() {
        boolean defaultPort = url.getPort() < 0;
        return defaultPort ? host : host + ":" + port;
    }

    /**
     * @return the configured weight
     */
    public int weight() {
        return weight;
    }

    /**
     * @return requests in flight to this target
     */
    public int outstanding() {
        return outstanding.get();
    }

    /**
     * @param nowNanos {@link System#nanoTime()}
     * @return whether the target may receive traffic: healthy and not ejected
     */
    public boolean available(long nowNanos) {
        return healthy && nowNanos - ejectedUntilNanos >= 0;
    }

    /**
     * @return {@code healthy}, {@code unhealthy} (active checks) or {@code ejected} (passive)
     */
    public String status() {
        if (!healthy) {
            return "unhealthy";
        }
        return System.nanoTime() - ejectedUntilNanos < 0 ? "ejected" : "healthy";
    }

    /**
     * Sets the result of active health checking.
     *
     * @param isHealthy whether the target passed
     */
    public void markHealthy(boolean isHealthy) {
        this.healthy = isHealthy;
    }

    /**
     * An engine that keeps its own connections to targets ({@link ConnectionPools}) tells of each one
     * opened.
     */
    public void connectionOpened() {
        connections.incrementAndGet();
    }

    /**
     * ... and of each one closed.
     */
    public void connectionClosed() {
        connections.decrementAndGet();
    }

    /**
     * ... and of connections entering ({@code +1}) or leaving ({@code -1}) its idle pool.
     *
     * @param delta the change
     */
    public void idleConnections(int delta) {
        idleConnections.addAndGet(delta);
    }

    /**
     * @return connections open to the target, busy and idle, as the engine reported them
     */
    public int connections() {
        return connections.get();
    }

    /**
     * @return idle connections ready for a request
     */
    public int idleConnections() {
        return idleConnections.get();
    }

    GatewayMetrics.TargetMeters meters() {
        return meters;
    }

    void meters(GatewayMetrics.TargetMeters targetMeters) {
        this.meters = targetMeters;
    }

    AtomicInteger outstandingCounter() {
        return outstanding;
    }

    AtomicInteger consecutiveFailures() {
        return consecutiveFailures;
    }

    void ejectUntil(long nanos) {
        this.ejectedUntilNanos = nanos;
    }

    long ejectedUntilNanos() {
        return ejectedUntilNanos;
    }

    /**
     * @return the result of active health checking, {@code true} until checks say otherwise
     */
    public boolean healthy() {
        return healthy;
    }

    AtomicInteger probeSuccesses() {
        return probeSuccesses;
    }

    AtomicInteger probeFailures() {
        return probeFailures;
    }

    @Override
    public String toString() {
        return url.toString();
    }
}
