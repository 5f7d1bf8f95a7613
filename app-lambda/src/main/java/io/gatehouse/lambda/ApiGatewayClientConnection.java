package io.gatehouse.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.gatehouse.proxy.ClientConnection;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.servlet.http.ServletHttpRequest;
import jakarta.inject.Singleton;

/**
 * The client of a Lambda invocation as API Gateway saw it: the address is the event's
 * {@code sourceIp} (payload 1.0 {@code requestContext.identity}, payload 2.0
 * {@code requestContext.http}), and the scheme is {@code https}, the only one API Gateway
 * endpoints accept. Without it the proxy would see micronaut-aws's placeholder address.
 */
@Singleton
@Replaces(ClientConnection.class)
final class ApiGatewayClientConnection implements ClientConnection {

    @Override
    public String address(HttpRequest<?> request) {
        if (request instanceof ServletHttpRequest<?, ?> servlet) {
            Object event = servlet.getNativeRequest();
            String sourceIp = switch (event) {
                case APIGatewayProxyRequestEvent v1 when v1.getRequestContext() != null
                    && v1.getRequestContext().getIdentity() != null -> v1.getRequestContext().getIdentity().getSourceIp();
                case APIGatewayV2HTTPEvent v2 when v2.getRequestContext() != null
                    && v2.getRequestContext().getHttp() != null -> v2.getRequestContext().getHttp().getSourceIp();
                case null, default -> null;
            };
            if (sourceIp != null && !sourceIp.isBlank()) {
                return sourceIp;
            }
        }
        return request.getRemoteAddress().getHostString();
    }

    @Override
    public String scheme(HttpRequest<?> request) {
        return "https";
    }
}
