package io.gatehouse.route;

import io.gatehouse.config.ConfigNode;

import java.util.List;
import java.util.ServiceLoader;

/**
 * Validates the policy keys of a route ({@link RouteDefinition#POLICY_KEYS}) when the route is
 * loaded, so that a typo in {@code auth}, {@code claims} or {@code limits} is reported with its
 * field path instead of being discovered by a request. Features that interpret a policy key
 * register an implementation in {@code META-INF/services/io.gatehouse.route.PolicyValidator};
 * {@link RouteDefinition#parse} calls every one of them.
 */
public interface PolicyValidator {

    /**
     * Checks the policy keys this validator owns, recording problems on the nodes.
     *
     * @param route the route's configuration node (policy keys are its children)
     * @param match the route's matchers, or {@code null} when they are invalid themselves
     */
    void validate(ConfigNode route, RouteDefinition.Match match);

    /**
     * Runs every registered validator.
     *
     * @param route the route's configuration node
     * @param match the route's matchers, or {@code null}
     */
    static void validateAll(ConfigNode route, RouteDefinition.Match match) {
        for (PolicyValidator validator : Registered.ALL) {
            validator.validate(route, match);
        }
    }

    /** The validators found once, on first use. */
    final class Registered {
        static final List<PolicyValidator> ALL = ServiceLoader.load(PolicyValidator.class, PolicyValidator.class.getClassLoader())
            .stream().map(ServiceLoader.Provider::get).toList();

        private Registered() {
        }
    }
}
