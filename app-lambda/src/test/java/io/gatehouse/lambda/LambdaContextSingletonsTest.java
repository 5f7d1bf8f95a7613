package io.gatehouse.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import io.gatehouse.contract.ContractRequest;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.LambdaContextFactory;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * An invocation leaves the application context as it found it: the Lambda {@link Context} and its
 * logger are not registered as singletons (each registration searches every bean definition and
 * purges the bean caches, on every invocation), on either handler.
 */
class LambdaContextSingletonsTest {

    private static final ContractRequest HEALTH = ContractRequest.get("/v1/health");

    /** The two handlers, each answering {@code GET /v1/health} as API Gateway sends it. */
    enum Handler {
        HTTP_API {
            @Override
            int health(ApplicationContext context) {
                return new HttpApiHandler(context).handleRequest(
                    ApiGatewayEvents.httpApi(HEALTH, ApiGatewayEvents.HttpApiShape.namedStage()), new MockLambdaContext()).getStatusCode();
            }
        },
        REST_API {
            @Override
            int health(ApplicationContext context) {
                return new RestApiHandler(context).handleRequest(
                    ApiGatewayEvents.restApi(HEALTH, ApiGatewayEvents.RestApiShape.customDomain()), new MockLambdaContext()).getStatusCode();
            }
        };

        abstract int health(ApplicationContext context);
    }

    @Test
    void lambdaContext_thenGatehouseFactoryReplacesMicronautsDefault() {
        try (ApplicationContext context = LambdaRuntimes.lambdaContext(Map.of()).start()) {
            assertInstanceOf(LambdaContextSingletons.class, context.getBean(LambdaContextFactory.class));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Handler.class)
    void invocation_thenNoInvocationSingletons(Handler handler) {
        try (ApplicationContext context = LambdaRuntimes.lambdaContext(Map.of())) {
            assertEquals(200, handler.health(context));
            assertFalse(context.containsBean(Context.class));
            assertFalse(context.containsBean(LambdaLogger.class));
        }
    }
}
