package io.gatehouse.policy;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * The response a client is about to receive, as response-side steps see it, whatever the engine.
 */
public interface ResponseHead {

    /**
     * @return the status code
     */
    int status();

    /**
     * @param name a header name, any case
     * @return the first value, or {@code null}
     */
    @Nullable
    String header(String name);

    /**
     * @param name a header name, any case
     * @return every value, empty when absent
     */
    List<String> headers(String name);

    /**
     * Replaces a header.
     *
     * @param name  the name
     * @param value the value
     */
    void set(String name, String value);

    /**
     * Replaces a header with a value that stays the same for as long as the step that sets it
     * (a security header, a route's CORS header): an engine may keep the name and value encoded
     * for its wire format and reuse them on every response, which {@link #set} cannot do for
     * values that change per request.
     *
     * @param name  the name, a constant of the step
     * @param value the value, a constant of the step
     */
    default void setFixed(String name, String value) {
        set(name, value);
    }

    /**
     * Adds a value to a header.
     *
     * @param name  the name
     * @param value the value
     */
    void add(String name, String value);

    /**
     * @param name a header name, any case
     */
    void remove(String name);

    /**
     * @return the header names present
     */
    List<String> names();

    /**
     * @return the whole body when the engine buffered it (a step that {@link PolicyStep#needsResponseBody()
     *     needs it} always gets it), otherwise {@code null}
     */
    @Nullable
    default byte[] body() {
        return null;
    }
}
