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
