package io.gatehouse.container.server;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * How the container stops on SIGTERM, under {@code gateway.shutdown.*}: see {@link Drain}.
 */
@ConfigurationProperties(ShutdownConfiguration.PREFIX)
public class ShutdownConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.shutdown";

    /** How long requests in flight may take to finish once accepting has stopped, in seconds. */
    public static final long DEFAULT_GRACE_PERIOD_SECONDS = 30;

    private Duration acceptPeriod = Duration.ZERO;
    private Duration gracePeriod = Duration.ofSeconds(DEFAULT_GRACE_PERIOD_SECONDS);

    /**
     * How long the gateway keeps accepting connections and requests after SIGTERM, with
     * {@code /v1/health/ready} already answering 503, so that a load balancer that polls readiness
     * stops sending traffic before the listener closes. Default 0: Kubernetes does the same with
     * the Deployment's {@code preStop} sleep (infra/k8s), which runs before SIGTERM. Behind a load
     * balancer that deregisters on its own (ECS and an ALB), the deregistration delay covers it.
     *
     * @return the period
     */
    public Duration getAcceptPeriod() {
        return acceptPeriod;
    }

    /**
     * @param acceptPeriod how long to keep accepting after SIGTERM
     */
    public void setAcceptPeriod(Duration acceptPeriod) {
        this.acceptPeriod = acceptPeriod;
    }

    /**
     * How long requests in flight may take to finish once the listener has closed; connections
     * still busy then (a stream, a WebSocket, a slow upstream) are closed and the process stops.
     * Default {@value #DEFAULT_GRACE_PERIOD_SECONDS} s. An orchestrator's kill deadline must leave
     * room for the accept period plus this (Kubernetes: {@code terminationGracePeriodSeconds}).
     *
     * @return the period
     */
    public Duration getGracePeriod() {
        return gracePeriod;
    }

    /**
     * @param gracePeriod how long requests in flight may take to finish
     */
    public void setGracePeriod(Duration gracePeriod) {
        this.gracePeriod = gracePeriod;
    }
}
