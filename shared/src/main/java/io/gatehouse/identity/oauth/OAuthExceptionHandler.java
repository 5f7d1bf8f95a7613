package io.gatehouse.identity.oauth;

import io.micronaut.core.annotation.Internal;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers an {@link OAuthException} with {@code {"error","error_description"}}, 400 or 401,
 * {@code Cache-Control: no-store}, and {@code WWW-Authenticate: Basic} for {@code invalid_client}
 * (RFC 6749 §5.2).
 */
@Internal
@Singleton
@Produces
final class OAuthExceptionHandler implements ExceptionHandler<OAuthException, HttpResponse<Map<String, String>>> {

    @Override
    public HttpResponse<Map<String, String>> handle(HttpRequest request, OAuthException exception) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", exception.error());
        body.put("error_description", exception.getMessage());
        var response = HttpResponse.<Map<String, String>>status(io.micronaut.http.HttpStatus.valueOf(exception.status()))
            .contentType(MediaType.APPLICATION_JSON_TYPE)
            .header(HttpHeaders.CACHE_CONTROL, "no-store")
            .header("Pragma", "no-cache")
            .body(body);
        if (exception.status() == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"gatehouse\", charset=\"UTF-8\"");
        }
        return response;
    }
}
