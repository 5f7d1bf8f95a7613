package io.gatehouse.runtime;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway's own resources: open files (descriptors) and the connections it accepts. Both
 * engines ask {@link #localFailure(Throwable)} whether a failed call to a target failed here
 * rather than there; such a failure never counts against the target (no outlier ejection, no
 * circuit breaker), is answered 503 {@code overloaded} with {@code Retry-After}, and starts an
 * <em>episode</em>: logged once when it starts (with the limit and the count), shown by the
 * {@code open-files} health check while it lasts, and over once no local failure was seen for
 * {@link #QUIET}.
 *
 * <p>What counts as local: {@code EMFILE} and {@code ENFILE} ("Too many open files", for the
 * process and for the system), {@code EADDRNOTAVAIL} ("Cannot assign requested address": the
 * ephemeral ports towards a target are used up), {@code ENOBUFS} ("No buffer space available")
 * and {@code ENOMEM} on a socket call. None of them says anything about the target.
 */
@Singleton
public class LocalResources {

    /** How long without a local failure ends an episode. */
    public static final Duration QUIET = Duration.ofSeconds(10);

    /** What {@code Retry-After} says on a 503 {@code overloaded}, in seconds. */
    public static final int RETRY_AFTER_SECONDS = 1;

    private static final Logger LOG = LoggerFactory.getLogger(LocalResources.class);

    /**
     * A local resource that ran out.
     */
    public enum Shortage {
        /** {@code EMFILE}/{@code ENFILE}: the process's or the system's open-file limit. */
        OPEN_FILE_LIMIT("open_file_limit"),
        /** {@code EADDRNOTAVAIL}: no local port left for a new connection to a target. */
        EPHEMERAL_PORTS("ephemeral_ports"),
        /** {@code ENOBUFS}/{@code ENOMEM}: the kernel has no memory for another socket. */
        SOCKET_BUFFERS("socket_buffers"),
        /** {@code gateway.server.max-connections}: the gateway refuses connections above its limit. */
        MAX_CONNECTIONS("max_connections");

        private final String reason;

        Shortage(String reason) {
            this.reason = reason;
        }

        /**
         * @return the {@code details.reason} of the 503 and the health check's name for it
         */
        public String reason() {
            return reason;
        }
    }

    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    private final Object lock = new Object();
    private Shortage episode;
    private Instant episodeSince;
    private long lastFailureNanos;
    private long failures;

    /**
     * @param failure why a connection or a call could not be made
     * @return the local resource that ran out, or {@code null} when the failure is not local
     *     (the target refused, timed out, reset, or could not be resolved)
     */
    public static Shortage localFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message == null) {
                continue;
            }
            String m = message.toLowerCase(Locale.ROOT);
            if (m.contains("too many open files")) {
                return Shortage.OPEN_FILE_LIMIT;
            }
            if (m.contains("cannot assign requested address")) {
                return Shortage.EPHEMERAL_PORTS;
            }
            if (m.contains("no buffer space available") || m.contains("cannot allocate memory")) {
                return Shortage.SOCKET_BUFFERS;
            }
        }
        return null;
    }

    /**
     * Records a local failure: starts an episode (and logs it) if none is running.
     *
     * @param shortage what ran out
     */
    public void exhausted(Shortage shortage) {
        boolean started;
        synchronized (lock) {
            long now = System.nanoTime();
            expire(now);
            failures++;
            lastFailureNanos = now;
            started = episode == null;
            if (started) {
                episode = shortage;
                episodeSince = Instant.now();
            }
        }
        if (started) {
            long count = openFiles();
            Object open = count >= 0 ? count : "all";
            long max = maxFiles();
            if (shortage == Shortage.OPEN_FILE_LIMIT) {
                LOG.warn("open-file limit reached: {} of {} descriptors open; new requests are answered 503 overloaded"
                    + " and never count against a target (logged once until {} without it)", open, max, QUIET);
            } else if (shortage == Shortage.MAX_CONNECTIONS) {
                LOG.warn("connection limit reached: new connections are refused with 503 overloaded ({} of {} descriptors"
                    + " open; logged once until {} without it)", open, max, QUIET);
            } else {
                LOG.warn("local resource exhausted ({}): new requests are answered 503 overloaded and never count against"
                    + " a target ({} of {} descriptors open; logged once until {} without it)", shortage.reason(), open, max,
                    QUIET);
            }
        }
    }

    /**
     * @return the shortage of the episode running now, or {@code null}
     */
    public Shortage episode() {
        synchronized (lock) {
            expire(System.nanoTime());
            return episode;
        }
    }

    private void expire(long now) {
        if (episode != null && now - lastFailureNanos >= QUIET.toNanos()) {
            LOG.info("{} no longer reached: {} local failure(s) in the episode since {}", episode.reason(), failures,
                episodeSince);
            episode = null;
            episodeSince = null;
            failures = 0;
        }
    }

    /**
     * @return what the {@code open-files} health check shows: the limit, the count, and the
     *     episode running now
     */
    public Map<String, Object> snapshot() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("open", openFiles());
        details.put("limit", maxFiles());
        synchronized (lock) {
            expire(System.nanoTime());
            if (episode != null) {
                details.put("reason", episode.reason());
                details.put("since", episodeSince.toString());
                details.put("failures", failures);
            }
        }
        return details;
    }

    /**
     * @return the process's open-file limit, or {@code -1} where the JVM cannot tell
     */
    public long maxFiles() {
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }

    /**
     * @return the descriptors the process has open, or {@code -1} where the JVM cannot tell
     *     (or cannot count them because none is left to list them with)
     */
    public long openFiles() {
        try {
            return os instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1;
        } catch (InternalError noDescriptorLeft) {
            // Counting lists /proc/self/fd, which takes a descriptor of its own.
            return -1;
        }
    }

    /**
     * @param shortage what ran out
     * @return the 503 {@code overloaded} the client gets
     */
    public static GatewayException overloaded(Shortage shortage) {
        String message = switch (shortage) {
            case OPEN_FILE_LIMIT -> "The gateway has reached its open-file limit; try again shortly.";
            case MAX_CONNECTIONS -> "The gateway has reached its connection limit; try again shortly.";
            case EPHEMERAL_PORTS -> "The gateway has no local port left for a new upstream connection; try again shortly.";
            case SOCKET_BUFFERS -> "The gateway has no memory left for a new connection; try again shortly.";
        };
        return new GatewayException(ErrorCode.OVERLOADED, message,
            Map.of("reason", shortage.reason(), "retry_after_seconds", RETRY_AFTER_SECONDS),
            Map.of("Retry-After", String.valueOf(RETRY_AFTER_SECONDS)));
    }
}
