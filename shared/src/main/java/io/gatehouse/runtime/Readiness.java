package io.gatehouse.runtime;

import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * Whether this instance takes new traffic: ready from start-up until its shutdown begins, then
 * draining for good. {@code GET /v1/health/ready} answers 503 from the moment
 * {@link #drain(String)} is called, so that load balancers and Kubernetes stop sending requests
 * before the instance stops accepting them; the container's drain calls it first thing on SIGTERM.
 */
@Singleton
public final class Readiness {

    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

    private volatile Instant drainingSince;

    /**
     * @return whether the instance takes new traffic
     */
    public boolean ready() {
        return drainingSince == null;
    }

    /**
     * @return when draining began, or {@code null} while the instance is ready
     */
    public Instant drainingSince() {
        return drainingSince;
    }

    /**
     * Marks the instance as draining; later calls change nothing.
     *
     * @param why what started the drain, for the log
     */
    public synchronized void drain(String why) {
        if (drainingSince == null) {
            drainingSince = Instant.now();
            LOG.info("Draining ({}): /v1/health/ready answers 503 from now on", why);
        }
    }
}
