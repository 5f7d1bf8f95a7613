package io.gatehouse.contract;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A response as the client received it.
 *
 * @param status     the status code
 * @param headers    the headers by lower-case name; every value the client saw
 * @param setCookies each {@code Set-Cookie} the client received
 * @param body       the body bytes, empty when there is none
 */
public record ContractResponse(int status, Map<String, List<String>> headers, List<String> setCookies, byte[] body) {

    private static final JsonMapper JSON = JsonMapper.createDefault();

    /**
     * @param name a header name, any case
     * @return its first value
     */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /**
     * @return the body as UTF-8 text
     */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * @return the body parsed as JSON
     */
    public JsonNode json() {
        try {
            return JSON.readValue(body, Argument.of(JsonNode.class));
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text(), e);
        }
    }

    /**
     * @return the media type of the body, without parameters
     */
    public String mediaType() {
        return header("Content-Type").map(v -> v.split(";")[0].trim().toLowerCase(Locale.ROOT)).orElse("");
    }
}
