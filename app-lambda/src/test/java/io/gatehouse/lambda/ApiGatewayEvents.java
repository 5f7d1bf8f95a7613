package io.gatehouse.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.gatehouse.contract.ContractRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Builds Lambda events from a client's request exactly as API Gateway does, prefixes and quirks
 * included: REST API events (payload 1.0) keep the last value of a repeated header or query
 * parameter in the single-value maps and every value in the multi-value maps; HTTP API events
 * (payload 2.0) lower-case header names, join repeated headers and query values with commas, move
 * cookies into {@code cookies}, keep a named stage in {@code rawPath} and percent-decode it. Path
 * parameters arrive decoded; a REST API's {@code path} keeps the client's encoding. Bodies of binary
 * media types arrive base64-encoded.
 */
final class ApiGatewayEvents {

    private static final String ACCOUNT = "123456789012";
    private static final String API_ID = "a1b2c3d4e5";

    /**
     * How a REST API reaches the function.
     *
     * @param stage      the stage name
     * @param domainName the host the client called
     * @param basePath   a custom domain's base path mapping such as {@code /gw}, or empty
     * @param resource   the resource template ({@code /{proxy+}}), or {@code null} for a resource
     *                   that is the literal path
     */
    record RestApiShape(String stage, String domainName, String basePath, String resource) {
        static RestApiShape customDomain() {
            return new RestApiShape("prod", "api.example.com", "/gw", "/{proxy+}");
        }

        static RestApiShape defaultEndpoint() {
            return new RestApiShape("prod", API_ID + ".execute-api.eu-west-1.amazonaws.com", "", "/{proxy+}");
        }
    }

    /**
     * How an HTTP API reaches the function.
     *
     * @param stage      the stage name; {@code $default} has no path prefix
     * @param routeKey   the route, {@code $default} or such as {@code ANY /{proxy+}}
     * @param domainName the host called; only the execute-api endpoint keeps a named stage in rawPath
     */
    record HttpApiShape(String stage, String routeKey, String domainName) {
        HttpApiShape(String stage, String routeKey) {
            this(stage, routeKey, API_ID + ".execute-api.eu-west-1.amazonaws.com");
        }

        static HttpApiShape namedStage() {
            return new HttpApiShape("prod", "$default");
        }
    }

    private ApiGatewayEvents() {
    }

    static APIGatewayProxyRequestEvent restApi(ContractRequest request, RestApiShape shape) {
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent();
        String calledPath = shape.basePath() + request.path();
        event.setHttpMethod(request.method());
        event.setPath(calledPath);
        Map<String, List<String>> multiHeaders = new LinkedHashMap<>();
        request.headers().forEach(h -> multiHeaders.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue()));
        request.cookies().forEach(c -> multiHeaders.computeIfAbsent("Cookie", k -> new ArrayList<>()).add(c));
        multiHeaders.computeIfAbsent("Host", k -> new ArrayList<>()).add(shape.domainName());
        multiHeaders.computeIfAbsent("X-Forwarded-For", k -> new ArrayList<>()).add("203.0.113.7");
        multiHeaders.computeIfAbsent("X-Forwarded-Proto", k -> new ArrayList<>()).add("https");
        Map<String, String> headers = new LinkedHashMap<>();
        multiHeaders.forEach((name, values) -> headers.put(name, values.getLast()));
        event.setHeaders(headers);
        event.setMultiValueHeaders(multiHeaders);
        Map<String, List<String>> query = decodeQuery(request.rawQuery());
        if (!query.isEmpty()) {
            Map<String, String> single = new LinkedHashMap<>();
            query.forEach((name, values) -> single.put(name, values.getLast()));
            event.setQueryStringParameters(single);
            event.setMultiValueQueryStringParameters(query);
        }
        if (shape.resource() != null) {
            event.setResource(shape.resource());
            event.setPathParameters(Map.of("proxy", decodePath(request.path().substring(1))));
        } else {
            event.setResource(request.path());
        }
        setBody(request, event::setBody, event::setIsBase64Encoded);

        APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        context.setAccountId(ACCOUNT);
        context.setApiId(API_ID);
        context.setStage(shape.stage());
        context.setDomainName(shape.domainName());
        context.setDomainPrefix(shape.domainName().split("\\.")[0]);
        context.setHttpMethod(request.method());
        context.setPath(shape.basePath().isEmpty() ? "/" + shape.stage() + request.path() : calledPath);
        context.setProtocol("HTTP/1.1");
        context.setRequestId(UUID.randomUUID().toString());
        context.setExtendedRequestId("Ab1Cd2Ef3Gh=");
        context.setResourceId("abc123");
        context.setResourcePath(event.getResource());
        context.setRequestTimeEpoch(Instant.now().toEpochMilli());
        context.setRequestTime("25/Nov/2026:10:00:00 +0000");
        APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity();
        identity.setSourceIp("203.0.113.7");
        identity.setUserAgent("contract-test");
        context.setIdentity(identity);
        event.setRequestContext(context);
        return event;
    }

    static APIGatewayV2HTTPEvent httpApi(ContractRequest request, HttpApiShape shape) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        boolean executeApi = shape.domainName().contains(".execute-api.");
        String stagePrefix = "$default".equals(shape.stage()) || !executeApi ? "" : "/" + shape.stage();
        // An HTTP API hands the function its path percent-decoded, rawPath included (%2F becomes /).
        String rawPath = stagePrefix + decodePath(request.path());
        event.setVersion("2.0");
        event.setRouteKey(shape.routeKey());
        event.setRawPath(rawPath);
        event.setRawQueryString(request.rawQuery() == null ? "" : request.rawQuery());
        if (!request.cookies().isEmpty()) {
            event.setCookies(List.copyOf(request.cookies()));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach(h -> headers.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + "," + b));
        headers.put("host", shape.domainName());
        // API Gateway appends the client it saw to any X-Forwarded-For the client sent.
        headers.merge("x-forwarded-for", "203.0.113.7", (sent, sourceIp) -> sent + ", " + sourceIp);
        headers.put("x-forwarded-proto", "https");
        event.setHeaders(headers);
        Map<String, List<String>> query = decodeQuery(request.rawQuery());
        if (!query.isEmpty()) {
            Map<String, String> joined = new LinkedHashMap<>();
            query.forEach((name, values) -> joined.put(name, String.join(",", values)));
            event.setQueryStringParameters(joined);
        }
        if (shape.routeKey().contains("{proxy+}")) {
            String template = shape.routeKey().substring(shape.routeKey().indexOf(' ') + 1);
            String fixed = template.substring(0, template.indexOf("{proxy+}"));
            event.setPathParameters(Map.of("proxy", decodePath(request.path().substring(fixed.length()))));
        }
        setBody(request, event::setBody, event::setIsBase64Encoded);

        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod(request.method());
        http.setPath(rawPath);
        http.setProtocol("HTTP/1.1");
        http.setSourceIp("203.0.113.7");
        http.setUserAgent("contract-test");
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setAccountId(ACCOUNT);
        context.setApiId(API_ID);
        context.setDomainName(shape.domainName());
        context.setDomainPrefix(shape.domainName().split("\\.")[0]);
        context.setRequestId(UUID.randomUUID().toString());
        context.setRouteKey(shape.routeKey());
        context.setStage(shape.stage());
        context.setTime("25/Nov/2026:10:00:00 +0000");
        context.setTimeEpoch(Instant.now().toEpochMilli());
        context.setHttp(http);
        event.setRequestContext(context);
        return event;
    }

    private static void setBody(ContractRequest request, java.util.function.Consumer<String> body,
                                java.util.function.Consumer<Boolean> base64) {
        if (request.body() == null) {
            base64.accept(false);
            return;
        }
        String contentType = request.headers().stream().filter(h -> h.getKey().equalsIgnoreCase("Content-Type"))
            .map(Map.Entry::getValue).findFirst().orElse("application/octet-stream").toLowerCase(Locale.ROOT);
        boolean text = contentType.startsWith("text/") || contentType.contains("json") || contentType.contains("xml")
            || contentType.startsWith("application/x-www-form-urlencoded");
        if (text) {
            body.accept(new String(request.body(), StandardCharsets.UTF_8));
            base64.accept(false);
        } else {
            body.accept(Base64.getEncoder().encodeToString(request.body()));
            base64.accept(true);
        }
    }

    /** Percent-decoding as API Gateway applies it to paths and path parameters: a {@code +} stays a plus. */
    private static String decodePath(String path) {
        return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Map<String, List<String>> decodeQuery(String rawQuery) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return query;
    }
}
