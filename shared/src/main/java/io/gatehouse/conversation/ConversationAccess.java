package io.gatehouse.conversation;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.route.RequestView;
import io.gatehouse.route.RouteDefinition;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.security.GatewayPrincipal;
import io.gatehouse.security.RouteAccess;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * Who may use the session, feedback and stream endpoints. They are checked by {@link RouteAccess}
 * as a route of the gateway's own, {@value #ROUTE_ID}, whose {@code auth} is
 * {@code gateway.conversations.auth}: the same authenticators, refusals, audit records and, with
 * {@code gateway.opa.url} set, the same decision service as a user's route. The decision service
 * sees the session id and the action name as the route's variables ({@code input.route.variables.session_id},
 * {@code input.route.variables.action}) and fails closed.
 *
 * <p>Then the session itself: only a caller of the session's tenant may see it, and of those only
 * the one who opened it or a holder of one of {@code gateway.conversations.read-any-roles}. Anyone
 * else is told 404, exactly as for a session that does not exist, so a session id never tells
 * another tenant anything.
 */
@Singleton
public class ConversationAccess {

    /** The id under which decisions on these endpoints are audited and shown to the decision service. */
    public static final String ROUTE_ID = "gatehouse.sessions";

    private final RouteAccess access;
    private final CompiledRoute route;
    private final Set<String> readAnyRoles;

    ConversationAccess(RouteAccess access, ConversationConfiguration configuration,
                       @Nullable @Value("${gateway.opa.url:}") String opaUrl) {
        this.access = access;
        this.readAnyRoles = Set.copyOf(configuration.getReadAnyRoles());
        if ("none".equals(configuration.getAuth())) {
            throw new ConfigurationException(ConversationConfiguration.PREFIX + ".auth: 'none' is refused: a session belongs to its caller");
        }
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("id", ROUTE_ID);
        definition.put("match", Map.of("path", "/v1/session/**"));
        definition.put("upstream", "gatehouse");
        definition.put("auth", configuration.getAuth());
        if (opaUrl != null && !opaUrl.isBlank()) {
            definition.put("authorization", Map.of("opa", configuration.getOpaPolicy()));
        }
        List<DefinitionProblem> problems = new ArrayList<>();
        RouteDefinition parsed = RouteDefinition.parse(ConfigNode.root(ConversationConfiguration.PREFIX, definition, problems), ConversationConfiguration.PREFIX);
        if (parsed == null || !problems.isEmpty()) {
            throw new ConfigurationException("The session API's access settings are not valid: " + problems);
        }
        this.route = CompiledRoute.standalone(parsed);
    }

    /**
     * Authenticates and authorises a call, waiting for the decision service when there is one.
     * Blocking: the endpoints run on the blocking executor.
     *
     * @param request   the request
     * @param requestId the request id the gateway answers with
     * @param sessionId the session the call is about, or {@code null}
     * @param action    the action named, or {@code null}
     * @return the caller
     * @throws GatewayException 401, 403 or 503 as for a route
     */
    public GatewayPrincipal admit(RequestView request, @Nullable String requestId, @Nullable String sessionId,
                                  @Nullable String action) {
        Map<String, String> variables = new LinkedHashMap<>();
        if (sessionId != null) {
            variables.put("session_id", sessionId);
        }
        if (action != null) {
            variables.put("action", action);
        }
        RouteMatch match = new RouteMatch(route, Map.copyOf(variables), request.path(), "");
        try {
            return access.checkAsync(match, request, requestId).toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof GatewayException refused) {
                throw refused;
            }
            throw e;
        }
    }

    /**
     * @param principal the caller
     * @param session   a stored session
     * @return whether the caller may read and write it
     */
    public boolean mayUse(GatewayPrincipal principal, ConversationSession session) {
        if (!java.util.Objects.equals(principal.tenant(), session.tenant())) {
            return false;
        }
        if (owner(principal).equals(session.owner())) {
            return true;
        }
        for (String role : principal.roles()) {
            if (readAnyRoles.contains(role)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param principal the caller
     * @return the owner a session opened by this caller records: its authentication method and subject
     */
    public static String owner(GatewayPrincipal principal) {
        return principal.method() + ":" + principal.subject();
    }

    /**
     * @param sessionId the session asked for
     * @return the refusal for a session the caller may not see, the same as for one that does not exist
     */
    public static GatewayException notFound(String sessionId) {
        return new GatewayException(ErrorCode.NOT_FOUND, "No session '" + sessionId + "' exists for this caller.",
            Map.of("session_id", sessionId), Map.of());
    }
}
