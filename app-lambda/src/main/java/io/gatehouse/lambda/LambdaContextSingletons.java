package io.gatehouse.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.annotation.Internal;
import io.micronaut.function.aws.DefaultLambdaContextFactory;
import io.micronaut.function.aws.LambdaContextFactory;
import jakarta.inject.Singleton;

/**
 * What each invocation registers in the application context from the Lambda {@link Context}:
 * nothing. micronaut-function-aws's {@link DefaultLambdaContextFactory}, which this replaces,
 * registers the invocation's {@code Context}, {@code LambdaLogger}, {@code ClientContext} and
 * {@code CognitoIdentity} as singletons on every invocation ({@code HandlerUtils.configureWithContext});
 * each registration searches every bean definition for candidates and purges the context's bean
 * caches, which made up three quarters of a warm {@code GET /v1/health} invocation
 * (docs/performance.md#lambda-cold-start). No Gatehouse bean injects any of them: what a request
 * needs of the invocation comes from the API Gateway event. The MDC values micronaut-function-aws
 * sets ({@code DiagnosticInfoPopulator}) are still set.
 */
@Singleton
@Internal
@Replaces(DefaultLambdaContextFactory.class)
final class LambdaContextSingletons implements LambdaContextFactory {

    @Override
    public void registerSingletons(Context context) {
        // Nothing to register: see the class comment.
    }
}
