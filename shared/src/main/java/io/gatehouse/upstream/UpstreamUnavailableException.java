package io.gatehouse.upstream;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;

import java.time.Duration;
import java.util.Map;

/**
 * No target of an upstream may be called now: all are unhealthy or ejected, or its circuit is
 * open. Sent as 503 with {@code Retry-After}.
 */
public class UpstreamUnavailableException extends GatewayException {

    /**
     * @param upstream   the upstream's name
     * @param reason     {@code no_healthy_target} or {@code circuit_open}
     * @param message    the message for the client
     * @param retryAfter when to try again
     */
    public UpstreamUnavailableException(String upstream, String reason, String message, Duration retryAfter) {
        super(ErrorCode.SERVICE_UNAVAILABLE, message,
            Map.of("upstream", upstream, "reason", reason, "retry_after_seconds", seconds(retryAfter)),
            Map.of("Retry-After", String.valueOf(seconds(retryAfter))));
    }

    private static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }
}
