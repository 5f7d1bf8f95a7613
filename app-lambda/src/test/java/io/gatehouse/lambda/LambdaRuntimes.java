package io.gatehouse.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.GatewayTransport;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.function.aws.LambdaApplicationContextBuilder;
import io.micronaut.function.aws.proxy.MockLambdaContext;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Lambda runtimes for the contract suite: the handlers are built exactly as Lambda builds them
 * (environments {@code function} and {@code lambda}, every singleton created eagerly), fed events
 * shaped as API Gateway sends them, and their responses read as API Gateway reads them.
 */
final class LambdaRuntimes {

    private LambdaRuntimes() {
    }

    static ApplicationContext lambdaContext(Map<String, Object> properties) {
        ApplicationContextBuilder builder = ApplicationContext.builder().properties(properties);
        LambdaApplicationContextBuilder.setLambdaConfiguration(builder);
        return builder.build();
    }

    /** REST API, payload 1.0. */
    static GatewayRuntime restApi(ApiGatewayEvents.RestApiShape shape) {
        return new GatewayRuntime() {
            @Override
            public String name() {
                return "rest-api-v1";
            }

            @Override
            public GatewayTransport start(Map<String, Object> properties) {
                ApplicationContext context = lambdaContext(properties);
                RestApiHandler handler = new RestApiHandler(context);
                return new GatewayTransport() {
                    @Override
                    public ContractResponse send(ContractRequest request) {
                        return read(handler.handleRequest(ApiGatewayEvents.restApi(request, shape), new MockLambdaContext()));
                    }

                    @Override
                    public void close() {
                        context.close();
                    }
                };
            }
        };
    }

    /** HTTP API, payload 2.0. */
    static GatewayRuntime httpApi(ApiGatewayEvents.HttpApiShape shape) {
        return new GatewayRuntime() {
            @Override
            public String name() {
                return "http-api-v2";
            }

            @Override
            public GatewayTransport start(Map<String, Object> properties) {
                ApplicationContext context = lambdaContext(properties);
                HttpApiHandler handler = new HttpApiHandler(context);
                return new GatewayTransport() {
                    @Override
                    public ContractResponse send(ContractRequest request) {
                        return read(handler.handleRequest(ApiGatewayEvents.httpApi(request, shape), new MockLambdaContext()));
                    }

                    @Override
                    public void close() {
                        context.close();
                    }
                };
            }
        };
    }

    /** As API Gateway merges a REST API response: multi-value headers win over single ones. */
    static ContractResponse read(APIGatewayProxyResponseEvent response) {
        Map<String, List<String>> headers = new TreeMap<>();
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), List.of(value)));
        }
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        }
        return new ContractResponse(response.getStatusCode(), headers,
            headers.getOrDefault("set-cookie", List.of()),
            body(response.getBody(), Boolean.TRUE.equals(response.getIsBase64Encoded())));
    }

    /** As API Gateway reads an HTTP API response: {@code headers} and {@code cookies}; no multi-value headers. */
    static ContractResponse read(APIGatewayV2HTTPResponse response) {
        Map<String, List<String>> headers = new TreeMap<>();
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), List.of(value)));
        }
        List<String> cookies = response.getCookies() == null ? List.of() : new ArrayList<>(response.getCookies());
        if (!cookies.isEmpty()) {
            headers.put("set-cookie", List.copyOf(cookies));
        }
        return new ContractResponse(response.getStatusCode(), headers, cookies,
            body(response.getBody(), response.getIsBase64Encoded()));
    }

    private static byte[] body(String body, boolean base64) {
        if (body == null) {
            return new byte[0];
        }
        return base64 ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
    }
}
