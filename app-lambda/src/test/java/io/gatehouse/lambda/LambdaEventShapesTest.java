package io.gatehouse.lambda;

import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.ContractTestBase;
import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.GatewayTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every way API Gateway puts a prefix in front of the path reaches the same route: REST APIs on
 * the default endpoint or a custom domain's base path mapping, with a {@code {proxy+}} resource or
 * a literal one; HTTP APIs on {@code $default} or a named stage, with {@code $default} or
 * {@code {proxy+}} routes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LambdaEventShapesTest {

    private final Map<String, GatewayTransport> started = new ConcurrentHashMap<>();

    static Stream<Arguments> shapes() {
        return Stream.of(
            Arguments.of("REST API, default endpoint, /{proxy+}",
                LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.defaultEndpoint())),
            Arguments.of("REST API, custom domain /gw, /{proxy+}",
                LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain())),
            Arguments.of("REST API, custom domain /gw, literal resource",
                LambdaRuntimes.restApi(new ApiGatewayEvents.RestApiShape("prod", "api.example.com", "/gw", null))),
            Arguments.of("HTTP API, $default stage, $default route",
                LambdaRuntimes.httpApi(new ApiGatewayEvents.HttpApiShape("$default", "$default"))),
            Arguments.of("HTTP API, stage prod, $default route",
                LambdaRuntimes.httpApi(new ApiGatewayEvents.HttpApiShape("prod", "$default"))),
            Arguments.of("HTTP API, stage prod, ANY /{proxy+}",
                LambdaRuntimes.httpApi(new ApiGatewayEvents.HttpApiShape("prod", "ANY /{proxy+}"))),
            Arguments.of("HTTP API, custom domain mapped to a stage named like the path's first segment",
                LambdaRuntimes.httpApi(new ApiGatewayEvents.HttpApiShape("contract", "$default", "api.example.com"))),
            Arguments.of("HTTP API, stage prod, ANY /contract/{proxy+}",
                LambdaRuntimes.httpApi(new ApiGatewayEvents.HttpApiShape("prod", "ANY /contract/{proxy+}"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void anyPrefix_thenRoutedOnTheApiRelativePath(String shape, GatewayRuntime runtime) {
        GatewayTransport gateway = started.computeIfAbsent(shape, s -> runtime.start(Map.of(
            "spec.name", ContractTestBase.SPEC,
            "gateway.lambda.base-paths", List.of("/gw"))));
        ContractResponse response = gateway.send(ContractRequest.get("/contract/echo?tags=a,b&tags=c")
            .cookie("a=1").cookie("b=2"));
        assertEquals(200, response.status(), response.text());
        assertEquals("/contract/echo", response.json().get("path").getStringValue());
        List<String> tags = new ArrayList<>();
        response.json().get("query").get("tags").values().forEach(v -> tags.add(v.getStringValue()));
        assertEquals(List.of("a,b", "c"), tags);
        assertEquals("2", response.json().get("cookies").get("b").getStringValue());
    }

    @AfterAll
    void stop() {
        started.values().forEach(GatewayTransport::close);
    }
}
