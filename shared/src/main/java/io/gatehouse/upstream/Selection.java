package io.gatehouse.upstream;

/**
 * One call to a chosen target. The proxy reports exactly one outcome; the selection then releases
 * the target's in-flight count and feeds the outcome to outlier detection and the circuit breaker.
 */
public interface Selection {

    /**
     * @return the chosen target
     */
    TargetState target();

    /**
     * The target answered; 5xx statuses count as failures.
     *
     * @param status the response status
     */
    void completed(int status);

    /**
     * The call failed without a usable response.
     *
     * @param kind how it failed
     */
    void failed(FailureKind kind);

    /**
     * The call was abandoned (client went away) without an outcome about the target.
     */
    void released();
}
