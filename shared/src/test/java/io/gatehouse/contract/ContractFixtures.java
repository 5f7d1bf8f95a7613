package io.gatehouse.contract;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Hidden;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Endpoints that only exist under {@code spec.name=contract}: they show what the gateway saw of a
 * request, so the contract suite can prove every runtime delivers the same request.
 */
@Hidden
@Controller("/contract")
@Requires(property = "spec.name", value = ContractTestBase.SPEC)
class ContractFixtures {

    /** A JSON body with a required shape. */
    @Serdeable
    record Greeting(String name, int count) {
    }

    @Get("/echo")
    Map<String, Object> echoGet(HttpRequest<?> request) {
        return echo(request, null);
    }

    @Post(value = "/echo", consumes = MediaType.ALL)
    Map<String, Object> echoPost(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return echo(request, body);
    }

    @Get("/cookies")
    MutableHttpResponse<String> cookies(@QueryValue(defaultValue = "2") int n) {
        MutableHttpResponse<String> response = HttpResponse.ok("set " + n);
        for (int i = 1; i <= n; i++) {
            response.cookie(Cookie.of("c" + i, "v" + i).path("/").httpOnly(true).maxAge(3600));
        }
        return response;
    }

    @Get(value = "/bytes", produces = "image/png")
    byte[] bytes() {
        return allBytes();
    }

    @Post(value = "/json", consumes = MediaType.APPLICATION_JSON)
    Greeting json(@Body Greeting greeting) {
        return new Greeting(greeting.name(), greeting.count() + 1);
    }

    @Get("/boom")
    String boom() {
        throw new IllegalStateException("secret internal detail: password=hunter2");
    }

    @Get("/forbidden")
    String forbidden() {
        throw new GatewayException(ErrorCode.FORBIDDEN, "Project alpha is not yours.",
            Map.of("project", "alpha"), Map.of("X-Policy", "projects"));
    }

    /**
     * @return the 256 byte values in order
     */
    static byte[] allBytes() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private static Map<String, Object> echo(HttpRequest<?> request, byte[] body) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", request.getMethodName());
        out.put("path", request.getPath());
        Map<String, List<String>> query = new TreeMap<>();
        request.getParameters().forEach((name, values) -> query.put(name, List.copyOf(values)));
        out.put("query", query);
        Map<String, String> cookies = new TreeMap<>();
        request.getCookies().getAll().forEach(c -> cookies.put(c.getName(), c.getValue()));
        out.put("cookies", cookies);
        Map<String, List<String>> headers = new TreeMap<>();
        request.getHeaders().forEach((name, values) -> {
            if (name.toLowerCase(Locale.ROOT).startsWith("x-echo-")) {
                headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values));
            }
        });
        out.put("headers", headers);
        out.put("body_length", body == null ? 0 : body.length);
        out.put("body_base64", body == null ? "" : Base64.getEncoder().encodeToString(body));
        return out;
    }
}
