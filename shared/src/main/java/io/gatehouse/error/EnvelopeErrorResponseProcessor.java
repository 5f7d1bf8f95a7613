package io.gatehouse.error;

import io.gatehouse.route.PathNormaliser;
import io.micronaut.core.annotation.Internal;
import io.micronaut.core.annotation.NonNull;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.exceptions.NotAcceptableException;
import io.micronaut.http.server.exceptions.NotAllowedException;
import io.micronaut.http.server.exceptions.UnsupportedMediaException;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteInfo;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolationException;

import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Replaces Micronaut's error body with the gateway's envelope for every error the framework
 * produces itself: unknown route, wrong method, unsupported media type, a body over
 * {@code micronaut.server.max-request-size} (413 with {@code details.limit_bytes}), JSON the body cannot
 * be read from ({@code invalid_json} with {@code details.rule}, see {@link JsonInputProblem}), failed
 * conversion, and unexpected exceptions. Messages of server errors never reach the client; their
 * causes are logged by the framework. Micronaut's default processor steps aside when this bean
 * exists ({@code @Requires(missingBeans = ErrorResponseProcessor.class)}).
 */
@Internal
@Singleton
final class EnvelopeErrorResponseProcessor implements ErrorResponseProcessor<ErrorEnvelope> {

    private final ErrorResponses errorResponses;
    private final HttpServerConfiguration serverConfiguration;

    EnvelopeErrorResponseProcessor(ErrorResponses errorResponses, HttpServerConfiguration serverConfiguration) {
        this.errorResponses = errorResponses;
        this.serverConfiguration = serverConfiguration;
    }

    @Override
    @NonNull
    public MutableHttpResponse<ErrorEnvelope> processResponse(@NonNull ErrorContext errorContext, @NonNull MutableHttpResponse<?> response) {
        HttpRequest<?> request = errorContext.getRequest();
        int status = response.code();
        Map<String, Object> details = new LinkedHashMap<>();
        String code = ErrorCode.codeFor(status);
        String message;
        JsonInputProblem json;
        Throwable cause = errorContext.getRootCause().orElse(null);
        if (status >= 500) {
            message = status == 500 ? "The gateway failed to handle the request." : response.reason();
        } else if (cause instanceof NotAllowedException notAllowed) {
            message = "Method " + notAllowed.getRequestMethod() + " is not allowed on " + request.getPath() + ".";
            List<String> allowed = List.copyOf(new TreeSet<>(notAllowed.getAllowedMethods()));
            details.put("method", notAllowed.getRequestMethod());
            details.put("allowed_methods", allowed);
        } else if (cause instanceof UnsupportedMediaException unsupported) {
            message = "Content type " + unsupported.getContentType() + " is not accepted here.";
            details.put("content_type", unsupported.getContentType());
            details.put("accepted_content_types", List.copyOf(unsupported.getAcceptableContentTypes()));
        } else if (cause instanceof NotAcceptableException notAcceptable) {
            message = "None of the accepted media types can be produced.";
            details.put("accepted", List.copyOf(notAcceptable.getAcceptedTypes()));
            details.put("available", List.copyOf(notAcceptable.getProduceableContentTypes()));
        } else if (status == 400 && uriSyntax(cause) != null) {
            // A target Micronaut could not parse (a backslash, a malformed escape): refused before
            // any filter, it gets the answer path normalisation gives on every other engine.
            GatewayException refusal = PathNormaliser.refusalOf(uriSyntax(cause).getInput());
            code = refusal.errorCode().code();
            message = refusal.getMessage();
            details.putAll(refusal.details());
        } else if (status == 404) {
            message = "No route matches " + request.getMethodName() + " " + request.getPath() + ".";
            details.put("method", request.getMethodName());
            details.put("path", request.getPath());
        } else if (status == HttpStatus.REQUEST_ENTITY_TOO_LARGE.getCode()) {
            long limit = serverConfiguration.getMaxRequestSize();
            message = ErrorResponses.payloadTooLargeMessage(limit);
            details.put("limit_bytes", limit);
        } else if ((json = JsonInputProblem.of(cause, bodyType(request)).orElse(null)) != null) {
            code = ErrorCode.INVALID_JSON.code();
            message = json.message();
            details.put("rule", json.rule());
            details.putAll(json.details());
        } else if (cause instanceof ConstraintViolationException violations) {
            code = ErrorCode.VALIDATION_FAILED.code();
            message = "The request is not valid.";
            details.put("violations", violations.getConstraintViolations().stream()
                .map(v -> Map.of("field", String.valueOf(v.getPropertyPath()), "message", v.getMessage()))
                .sorted(java.util.Comparator.comparing(m -> m.get("field")))
                .toList());
        } else if (cause instanceof ConversionErrorException conversion) {
            code = ErrorCode.VALIDATION_FAILED.code();
            message = "Argument '" + conversion.getArgument().getName() + "' could not be read from the request.";
            details.put("argument", conversion.getArgument().getName());
        } else {
            message = firstMessage(errorContext.getErrors(), response.reason());
        }
        MutableHttpResponse<ErrorEnvelope> envelopeResponse = response
            .body(errorResponses.envelope(request, code, message, details));
        if (request.getMethod() != HttpMethod.HEAD) {
            envelopeResponse.contentType(MediaType.APPLICATION_JSON_TYPE);
        }
        return envelopeResponse;
    }

    private static URISyntaxException uriSyntax(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof URISyntaxException syntax) {
                return syntax;
            }
        }
        return null;
    }

    /** The type the matched endpoint reads its body into, on every runtime (the route is matched before the body is read). */
    private static Class<?> bodyType(HttpRequest<?> request) {
        return RouteAttributes.getRouteInfo(request)
            .flatMap(RouteInfo::getRequestBodyType)
            .<Class<?>>map(Argument::getType)
            .orElse(null);
    }

    private static String firstMessage(List<Error> errors, String fallback) {
        return errors.stream().map(Error::getMessage).filter(m -> m != null && !m.isBlank()).findFirst().orElse(fallback);
    }
}
