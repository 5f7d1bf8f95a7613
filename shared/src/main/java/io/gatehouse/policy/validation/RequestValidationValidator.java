package io.gatehouse.policy.validation;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.route.PolicyValidator;
import io.gatehouse.route.RouteDefinition;

/**
 * Validates every route's {@code validate} when it is loaded (registered in
 * {@code META-INF/services}): an unknown key, a schema file that is missing or not JSON, a schema
 * that is not valid draft 2020-12 or refers outside itself, and a body schema on a streaming or
 * WebSocket route are refused with the field path. The schemas compiled here are the ones the
 * policy uses.
 */
public final class RequestValidationValidator implements PolicyValidator {

    /**
     * Creates the validator; {@link java.util.ServiceLoader} calls it.
     */
    public RequestValidationValidator() {
    }

    @Override
    public void validate(ConfigNode route, RouteDefinition.Match match) {
        RequestSchemas.parse(route);
    }
}
