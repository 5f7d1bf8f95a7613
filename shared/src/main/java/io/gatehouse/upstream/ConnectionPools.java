package io.gatehouse.upstream;

/**
 * Marks an engine that keeps its own keep-alive connections to targets and reports them on each
 * {@link TargetState} ({@link TargetState#connectionOpened()}, {@link TargetState#idleConnections(int)}).
 * While such a bean exists, {@code UpstreamMetrics} publishes the SSO gateway's
 * {@code connection_pool_size} and {@code connection_pool_available} per target. The container's
 * streaming engine is one; the buffered engine's HTTP client keeps its pool to itself.
 */
public interface ConnectionPools {
}
