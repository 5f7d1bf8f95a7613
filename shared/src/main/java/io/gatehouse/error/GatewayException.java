package io.gatehouse.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure the gateway reports to the client with a known code, status and details.
 * {@link GatewayExceptionHandler} turns it into the envelope.
 */
public class GatewayException extends RuntimeException {

    private final ErrorCode errorCode;
    private final Map<String, Object> details;
    private final Map<String, String> headers;

    /**
     * @param errorCode the code and status
     * @param message   the message for the client
     */
    public GatewayException(ErrorCode errorCode, String message) {
        this(errorCode, message, Map.of(), Map.of());
    }

    /**
     * @param errorCode the code and status
     * @param message   the message for the client
     * @param details   structured details for the client
     * @param headers   response headers to add, such as {@code Retry-After}
     */
    public GatewayException(ErrorCode errorCode, String message, Map<String, Object> details, Map<String, String> headers) {
        super(message, null, false, false);
        this.errorCode = errorCode;
        this.details = Map.copyOf(details);
        this.headers = Map.copyOf(headers);
    }

    /**
     * The refusal of a JSON body that cannot be read, as the gateway's own endpoints answer it
     * ({@code invalid_json} with {@code details.rule}; see docs/reliability.md#json-input), for a
     * policy that reads a body with the application's JSON mapper.
     *
     * @param cause what the mapper threw
     * @return the refusal
     */
    public static GatewayException invalidJson(Throwable cause) {
        JsonInputProblem problem = JsonInputProblem.of(cause, null)
            .orElseGet(() -> new JsonInputProblem("syntax", "The request body is not valid JSON.", Map.of()));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("rule", problem.rule());
        details.putAll(problem.details());
        return new GatewayException(ErrorCode.INVALID_JSON, problem.message(), details, Map.of());
    }

    /**
     * @return the code and status
     */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /**
     * @return the details for the client
     */
    public Map<String, Object> details() {
        return details;
    }

    /**
     * @return the headers to add to the response
     */
    public Map<String, String> headers() {
        return headers;
    }
}
