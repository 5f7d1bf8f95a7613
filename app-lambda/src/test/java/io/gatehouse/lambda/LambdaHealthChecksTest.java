package io.gatehouse.lambda;

import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A Lambda instance is frozen between invocations, so the handler's context must not run the
 * active health checker ({@code gateway.health-checks.enabled: false} in application-lambda.yml).
 */
class LambdaHealthChecksTest {

    @Test
    void lambdaHandlerContext_thenNoActiveHealthChecker() {
        try (APIGatewayV2HTTPEventFunction function = new APIGatewayV2HTTPEventFunction()) {
            ApplicationContext ctx = function.getApplicationContext();
            assertFalse(ctx.getProperty("gateway.health-checks.enabled", Boolean.class).orElse(true));
            assertFalse(ctx.getAllBeanDefinitions().stream()
                    .anyMatch(d -> d.getBeanType().getName().equals("io.gatehouse.upstream.ActiveHealthChecker")),
                "ActiveHealthChecker is not a bean on Lambda");
            assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("gatehouse-health-checks")));
        }
    }
}
