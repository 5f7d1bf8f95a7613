package io.gatehouse.security;

import io.gatehouse.definition.GatewayState;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.observability.RequestIds;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.route.RequestView;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.security.opa.OpaClient;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a request matched to a gateway route may proceed, the same for every engine
 * (the container's Netty engine, the buffered engine on Lambda, the gateway's own filter). It
 * never blocks: {@link #check} answers from memory; {@link #checkAsync}, which both engines call,
 * may wait, without holding a thread, for a key refresh a token with an unknown {@code kid}
 * started and for the decision service of a route with {@code authorization.opa}.
 *
 * <p>Order of checks: the route's {@code auth} mode picks the authenticators; the first one that
 * finds its credential decides (a credential that is present but invalid is refused at once, 401);
 * no credential at all is 401 with a {@code WWW-Authenticate} challenge; then the route's
 * {@code tenant} (403 {@code tenant_mismatch} for a caller of another tenant or of none, and on a
 * route without {@code tenant} for a {@link GatewayPrincipal#tenantBound() tenant-bound} credential;
 * {@code tenant: "*"} admits every caller),
 * {@code claims.required}, {@code claims.match}, {@code authorization.roles},
 * {@code authorization.scopes} and {@code authorization.groups} (each 403 with the envelope naming
 * what is missing); last, when the route has {@code authorization.opa}, the decision service (which
 * also decides for {@code auth: none} routes, with the anonymous principal).
 *
 * <p>Every decision on a route whose {@code auth} is not {@code none}, or that asks the decision
 * service, is recorded in the audit log here, once per request whichever engine asks, and only
 * when it is final: on a route with {@code authorization.opa} after the decision service answered
 * ({@link RouteAccessAudit}).
 */
@Singleton
public class RouteAccess {

    /** The request attribute under which filters keep the {@link RouteMatch} of a request. */
    public static final String ROUTE_MATCH_ATTRIBUTE = "gatehouse.route-match";

    private final List<Authenticator> authenticators;
    private final Map<AuthMode, List<Authenticator>> byMode;
    private final AccessConfiguration configuration;
    private final OpaClient opa;
    private final RouteAccessAudit audit;
    private final List<ForwardingGuard> guards;
    private final Map<CompiledRoute, RoutePolicy> policies = new ConcurrentHashMap<>();

    /**
     * Without an audit log.
     *
     * @param authenticators every authenticator the gateway offers, in order
     * @param configuration  the access settings
     * @param opa            the decision service client, or {@code null} when there is none
     */
    public RouteAccess(List<Authenticator> authenticators, AccessConfiguration configuration, @Nullable OpaClient opa) {
        this(authenticators, configuration, opa, RouteAccessAudit.NONE, List.of());
    }

    @Inject
    RouteAccess(List<Authenticator> authenticators, AccessConfiguration configuration, @Nullable OpaClient opa,
                RouteAccessAudit audit, List<ForwardingGuard> guards) {
        this.guards = List.copyOf(guards);
        // Deterministic: with auth: any, authenticators are tried (and listed) in their order.
        this.authenticators = authenticators.stream().sorted(io.micronaut.core.order.OrderUtil.COMPARATOR).toList();
        this.byMode = byMode(this.authenticators);
        this.configuration = configuration;
        this.opa = opa;
        this.audit = audit;
    }

    /**
     * Without a decision service: a route with {@code authorization.opa} is refused (503).
     *
     * @param authenticators every authenticator the gateway offers, in order
     * @param configuration  the access settings
     */
    public RouteAccess(List<Authenticator> authenticators, AccessConfiguration configuration) {
        this(authenticators, configuration, null);
    }

    /**
     * @param route a route
     * @return its access policy (read once per route table)
     */
    public RoutePolicy policy(CompiledRoute route) {
        return policies.computeIfAbsent(route, r -> RoutePolicy.of(r.definition()));
    }

    /**
     * @param route a route
     * @return the {@code auth} mode in force for it
     */
    public AuthMode mode(CompiledRoute route) {
        return policy(route).effectiveAuth(configuration.isRequireAuth());
    }

    /**
     * Checks a request without waiting for anything. The engines call {@link #checkAsync}; this is
     * for callers that cannot wait, and it cannot decide a route with {@code authorization.opa}.
     *
     * @param match   the route the request matched
     * @param request the request's method, path and headers
     * @return the principal; {@link GatewayPrincipal#ANONYMOUS} for an open route
     * @throws GatewayException 401 or 403 with the envelope's details and {@code WWW-Authenticate}
     * @throws IllegalStateException for a route whose decision is external ({@code authorization.opa}):
     *         answering without it would admit what the policy may deny
     */
    public GatewayPrincipal check(RouteMatch match, RequestView request) {
        return check(match, request, request.header(RequestIds.HEADER));
    }

    /**
     * Checks a request without waiting for anything, as {@link #check(RouteMatch, RequestView)} does.
     *
     * @param match     the route the request matched
     * @param request   the request's method, path and headers
     * @param requestId the request id the gateway answers with, for the audit log
     * @return the principal; {@link GatewayPrincipal#ANONYMOUS} for an open route
     * @throws GatewayException 401 or 403 with the envelope's details and {@code WWW-Authenticate}
     * @throws IllegalStateException for a route whose decision is external ({@code authorization.opa})
     */
    public GatewayPrincipal check(RouteMatch match, RequestView request, @Nullable String requestId) {
        guard(request);
        RoutePolicy policy = policy(match.route());
        if (policy.opa() != null) {
            throw new IllegalStateException("Route '" + match.route().id() + "' needs an external policy decision "
                + "(authorization.opa); call checkAsync");
        }
        AuthMode mode = policy.effectiveAuth(configuration.isRequireAuth());
        if (mode == AuthMode.NONE) {
            return GatewayPrincipal.ANONYMOUS;
        }
        List<Authenticator> candidates = candidates(mode);
        AuthenticationResult result = AuthenticationResult.ABSENT;
        for (Authenticator authenticator : candidates) {
            result = authenticator.authenticate(request);
            if (!(result instanceof AuthenticationResult.Absent)) {
                break;
            }
        }
        return decide(match, policy, mode, candidates, result, request, requestId);
    }

    /**
     * Checks a request, waiting without blocking where an authenticator must (a key being fetched).
     *
     * @param match   the route the request matched
     * @param request the request's method, path and headers
     * @return the principal, or a stage failed with a 401/403 {@link GatewayException}
     */
    public CompletionStage<GatewayPrincipal> checkAsync(RouteMatch match, RequestView request) {
        return checkAsync(match, request, request.header(RequestIds.HEADER));
    }

    /**
     * Checks a request, waiting without blocking where an authenticator or the decision service must.
     *
     * @param match     the route the request matched
     * @param request   the request's method, path and headers
     * @param requestId the request id the gateway answers with, for the audit log
     * @return the principal, or a stage failed with a 401/403 (or 503) {@link GatewayException}
     */
    public CompletionStage<GatewayPrincipal> checkAsync(RouteMatch match, RequestView request, @Nullable String requestId) {
        try {
            guard(request);
        } catch (GatewayException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        RoutePolicy policy = policy(match.route());
        AuthMode mode = policy.effectiveAuth(configuration.isRequireAuth());
        CompletionStage<GatewayPrincipal> admitted;
        if (mode == AuthMode.NONE) {
            admitted = CompletableFuture.completedFuture(GatewayPrincipal.ANONYMOUS);
        } else {
            List<Authenticator> candidates = candidates(mode);
            admitted = attempt(candidates, 0, request)
                .thenApply(result -> decide(match, policy, mode, candidates, result, request, requestId));
        }
        if (policy.opa() == null) {
            return admitted;
        }
        // The decision service has the last word: the audit log hears the outcome once it has spoken.
        return admitted.thenCompose(principal -> decideExternally(policy, match, request, principal)
            .handle((admission, error) -> {
                if (error == null) {
                    if (admission.failedOpen() != null) {
                        audit.failedOpen(match, request, requestId, admission.principal(), admission.failedOpen());
                    } else {
                        audit.allowed(match, request, requestId, admission.principal());
                    }
                    return admission.principal();
                }
                Throwable cause = unwrap(error);
                GatewayException refused = cause instanceof GatewayException known ? known : unexpected(policy, cause);
                audit.refused(match, mode, request, requestId, principal, refused);
                throw refused;
            }));
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** Fails closed on what no decision service answer explains: the request is refused as in an outage. */
    private static GatewayException unexpected(RoutePolicy policy, Throwable error) {
        org.slf4j.LoggerFactory.getLogger(RouteAccess.class).error("The policy decision failed unexpectedly", error);
        return new GatewayException(ErrorCode.SERVICE_UNAVAILABLE,
            "The policy decision for this route could not be made: it failed unexpectedly.",
            Map.of("reason", "policy_unavailable", "policy", policy.opa().path(), "cause", "error"), Map.of("Retry-After", "1"));
    }

    private CompletionStage<OpaClient.Admission> decideExternally(RoutePolicy policy, RouteMatch match, RequestView request,
                                                                  GatewayPrincipal principal) {
        if (opa == null) {
            return CompletableFuture.failedFuture(new GatewayException(ErrorCode.SERVICE_UNAVAILABLE,
                "The policy decision for this route could not be made: this gateway has no decision service.",
                Map.of("reason", "policy_unavailable", "policy", policy.opa().path(), "cause", "not_configured"), Map.of()));
        }
        Set<String> claimHeaders = new LinkedHashSet<>();
        policy.forward().values().forEach(header -> claimHeaders.add(header.toLowerCase(Locale.ROOT)));
        try {
            return opa.decide(policy.opa(), match, request, principal, claimHeaders);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Every {@link ForwardingGuard} first, whatever the route's policy: auth: none included. */
    private void guard(RequestView request) {
        for (ForwardingGuard guard : guards) {
            guard.check(request);
        }
    }

    /**
     * The header changes a proxy engine makes for an admitted request on this route.
     *
     * @param match     the route the request matched
     * @param principal the principal {@link #check} returned
     * @return the headers to remove and to set
     */
    public UpstreamIdentity upstreamIdentity(RouteMatch match, GatewayPrincipal principal) {
        RoutePolicy policy = policy(match.route());
        if (policy.forward().isEmpty() && !policy.stripAuthorization()) {
            return UpstreamIdentity.NONE;
        }
        Set<String> remove = new LinkedHashSet<>();
        Map<String, String> set = new LinkedHashMap<>();
        policy.forward().forEach((claim, header) -> {
            remove.add(header.toLowerCase(Locale.ROOT));
            String value = ClaimPath.headerValue(principal.claim(claim));
            if (value != null) {
                set.put(header, value);
            }
        });
        if (policy.stripAuthorization()) {
            remove.add("authorization");
        }
        return new UpstreamIdentity(Set.copyOf(remove), Map.copyOf(set));
    }

    @EventListener
    void onSwap(GatewayState.Swapped swapped) {
        // Routes of the old table are no longer looked up, except by requests in flight, which re-read them.
        policies.clear();
    }

    private CompletionStage<AuthenticationResult> attempt(List<Authenticator> candidates, int index, RequestView request) {
        if (index == candidates.size()) {
            return CompletableFuture.completedFuture(AuthenticationResult.ABSENT);
        }
        return candidates.get(index).authenticateAsync(request).thenCompose(result -> result instanceof AuthenticationResult.Absent
            ? attempt(candidates, index + 1, request)
            : CompletableFuture.completedFuture(result));
    }

    private List<Authenticator> candidates(AuthMode mode) {
        return byMode.get(mode);
    }

    /** The authenticators each mode tries, in order: resolved once, as they do not change. */
    private static Map<AuthMode, List<Authenticator>> byMode(List<Authenticator> authenticators) {
        Map<AuthMode, List<Authenticator>> byMode = new EnumMap<>(AuthMode.class);
        for (AuthMode mode : AuthMode.values()) {
            List<Authenticator> out = new ArrayList<>(1);
            for (Authenticator authenticator : authenticators) {
                if (mode == AuthMode.ANY || authenticator.method().equals(mode.configName())) {
                    out.add(authenticator);
                }
            }
            byMode.put(mode, List.copyOf(out));
        }
        return byMode;
    }

    /**
     * Authenticates and applies the route's own rules; refusals go to the audit log here, an
     * admission only when no decision service comes after.
     */
    private GatewayPrincipal decide(RouteMatch match, RoutePolicy policy, AuthMode mode, List<Authenticator> candidates,
                                    AuthenticationResult result, RequestView request, @Nullable String requestId) {
        GatewayPrincipal principal = result instanceof AuthenticationResult.Authenticated a ? a.principal() : null;
        try {
            GatewayPrincipal admitted = switch (result) {
                case AuthenticationResult.Rejected rejected -> throw rejected.error();
                case AuthenticationResult.Absent absent -> throw missing(mode, candidates);
                case AuthenticationResult.Authenticated authenticated -> authorize(match, policy, authenticated.principal());
            };
            if (policy.opa() == null) {
                audit.allowed(match, request, requestId, admitted);
            }
            return admitted;
        } catch (GatewayException refused) {
            audit.refused(match, mode, request, requestId, principal, refused);
            throw refused;
        }
    }

    private static GatewayException missing(AuthMode mode, List<Authenticator> candidates) {
        if (candidates.isEmpty()) {
            return new GatewayException(ErrorCode.UNAUTHORIZED, "This route requires " + mode.configName()
                + " authentication, which this gateway does not offer yet.",
                Map.of("auth", mode.configName(), "reason", "method_unavailable"),
                Map.of(BearerChallenge.HEADER, BearerChallenge.missing()));
        }
        List<String> methods = candidates.stream().map(Authenticator::method).toList();
        List<String> challenges = candidates.stream().map(Authenticator::challenge).distinct().toList();
        return new GatewayException(ErrorCode.UNAUTHORIZED, "This route requires authentication (" + String.join(" or ", methods)
            + "); the request carries no credential.",
            Map.of("auth", mode.configName(), "accepted", methods, "reason", "missing_credentials"),
            Map.of(BearerChallenge.HEADER, String.join(", ", challenges)));
    }

    private static GatewayPrincipal authorize(RouteMatch match, RoutePolicy policy, GatewayPrincipal principal) {
        if (policy.tenant() != null && !policy.anyTenant()) {
            String tenant = RoutePolicy.expand(policy.tenant(), match.variables());
            // A principal of no tenant belongs to none: it cannot reach a tenant's route either.
            if (!tenant.equals(principal.tenant())) {
                throw forbidden("This route belongs to the tenant '" + tenant + "'; the credential is of another tenant.",
                    Map.of("reason", "tenant_mismatch", "tenant", tenant), Map.of());
            }
        } else if (policy.tenant() == null && principal.tenantBound()) {
            // What a tenant administrator minted (any subject, groups, scopes) must not escalate to global routes.
            throw forbidden("This route belongs to no tenant; the credential was issued by this gateway for the tenant '"
                + principal.tenant() + "' and reaches that tenant's routes only.",
                Map.of("reason", "tenant_mismatch", "credential_tenant", principal.tenant()), Map.of());
        }
        for (String claim : policy.requiredClaims()) {
            if (principal.claim(claim) == null) {
                throw forbidden("The credential lacks the claim '" + claim + "' this route requires.",
                    Map.of("reason", "missing_claim", "claim", claim), Map.of());
            }
        }
        for (Map.Entry<String, List<String>> rule : policy.claimMatch().entrySet()) {
            List<String> expected = rule.getValue().stream().map(template -> RoutePolicy.expand(template, match.variables())).toList();
            Object claim = principal.claim(rule.getKey());
            if (expected.stream().noneMatch(value -> claimEquals(claim, value))) {
                throw forbidden("The credential's '" + rule.getKey() + "' claim does not match this path.",
                    Map.of("reason", "claim_mismatch", "claim", rule.getKey(),
                        "expected", expected.size() == 1 ? expected.getFirst() : expected), Map.of());
            }
        }
        if (!policy.roles().isEmpty() && java.util.Collections.disjoint(policy.roles(), principal.roles())) {
            List<String> roles = sorted(policy.roles());
            throw forbidden("This route requires one of the roles " + String.join(", ", roles) + ".",
                Map.of("reason", "missing_role", "required_roles", roles), Map.of());
        }
        if (!policy.scopes().isEmpty() && java.util.Collections.disjoint(policy.scopes(), principal.scopes())) {
            List<String> scopes = sorted(policy.scopes());
            throw forbidden("This route requires one of the scopes " + String.join(", ", scopes) + ".",
                Map.of("reason", "insufficient_scope", "required_scopes", scopes),
                "jwt".equals(principal.method()) ? Map.of(BearerChallenge.HEADER, BearerChallenge.insufficientScope(scopes)) : Map.of());
        }
        authorizeGroups(policy, principal);
        return principal;
    }

    /** The route's group allow or deny list, as Kong's acl plugin applies it to a consumer's groups. */
    private static void authorizeGroups(RoutePolicy policy, GatewayPrincipal principal) {
        if (policy.allowGroups().isEmpty() && policy.denyGroups().isEmpty()) {
            return;
        }
        Set<String> groups = principal.groups();
        if (!policy.allowGroups().isEmpty() && java.util.Collections.disjoint(policy.allowGroups(), groups)) {
            List<String> allowed = sorted(policy.allowGroups());
            throw forbidden("This route is open to the groups " + String.join(", ", allowed) + " only.",
                Map.of("reason", "group_not_allowed", "allowed_groups", allowed), Map.of());
        }
        List<String> denied = groups.stream().filter(policy.denyGroups()::contains).sorted().toList();
        if (!denied.isEmpty()) {
            throw forbidden("This route is closed to the group " + String.join(", ", denied) + ".",
                Map.of("reason", "group_denied", "denied_groups", denied), Map.of());
        }
    }

    private static boolean claimEquals(Object claim, String expected) {
        if (claim instanceof Collection<?> values) {
            for (Object value : values) {
                if (value != null && String.valueOf(value).equals(expected)) {
                    return true;
                }
            }
            return false;
        }
        return claim != null && !(claim instanceof Map<?, ?>) && String.valueOf(claim).equals(expected);
    }

    private static GatewayException forbidden(String message, Map<String, Object> details, Map<String, String> headers) {
        return new GatewayException(ErrorCode.FORBIDDEN, message, details, headers);
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
