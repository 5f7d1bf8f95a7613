package io.gatehouse.identity.sso;

import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.api.OpenApiRefs;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.ErrorEnvelope;
import io.gatehouse.error.GatewayException;
import io.gatehouse.security.ClaimPath;
import io.gatehouse.identity.IdentitySync;
import io.gatehouse.identity.Secrets;
import io.gatehouse.identity.sso.SsoModels.LogoutView;
import io.gatehouse.identity.sso.SsoModels.PublicProvider;
import io.gatehouse.identity.sso.SsoModels.PublicProviderList;
import io.gatehouse.identity.sso.SsoModels.SessionView;
import io.gatehouse.proxy.ProxyConfiguration;
import io.gatehouse.security.AuthMode;
import io.gatehouse.security.GatewayPrincipal;
import io.gatehouse.security.jwt.InvalidTokenException;
import io.gatehouse.security.jwt.JwtConfiguration;
import io.gatehouse.security.session.SessionClaims;
import io.gatehouse.security.session.SessionConfiguration;
import io.gatehouse.security.session.SessionTokens;
import io.gatehouse.security.session.Sessions;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.ServerCookieEncoder;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The browser login: {@code /v1/auth/login/{provider}} sends the browser to the provider
 * (authorization code with PKCE S256, state and nonce), {@code /v1/auth/callback/{provider}}
 * finishes it (code exchange, ID token checks, the provider's provisioning controls, just-in-time
 * user, session cookie), {@code /v1/auth/logout} ends the session everywhere,
 * {@code /v1/auth/session} shows it and {@code /v1/auth/providers} lists the enabled providers for
 * a login page. {@link LegacySsoController} serves the SSO gateway's paths through the same methods.
 *
 * <p>Nothing is kept on the server between login and callback: state, nonce, PKCE verifier and the
 * redirect travel in the login cookie, sealed with the session secret, so any instance (or Lambda)
 * can finish a login another one started. After the login the browser goes only to a same-origin
 * relative path; anything else goes to {@code /}. Errors are the JSON envelope; success is a redirect.
 */
@Controller("/v1/auth")
@Tag(name = "auth")
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(property = SessionConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class LoginController {

    /** Where a login starts; the provider's id follows. */
    static final String LOGIN_PATH = "/v1/auth/login/";

    /** The callback, the {@code redirect_uri} registered at providers; the provider's id follows. */
    static final String CALLBACK_PATH = "/v1/auth/callback/";

    /**
     * The prefix of the cookies that carry the sealed login state from login to callback: one cookie per login,
     * named after its state ({@link #loginCookieName}), so logins started in two tabs do not overwrite each other.
     */
    static final String LOGIN_COOKIE = "gatehouse_login_";

    /** How many characters of the state's digest name a login cookie: 96 bits, unique among a browser's logins. */
    private static final int LOGIN_COOKIE_ID_LENGTH = 16;

    /** The Fetch Metadata header a browser sends with every request (W3C Fetch Metadata Request Headers). */
    private static final String SEC_FETCH_SITE = "Sec-Fetch-Site";

    /** The claims copied from the ID token into the session, when present. */
    private static final List<String> COPIED_CLAIMS = List.of("email", "email_verified", "name", "given_name", "family_name",
        "preferred_username", "groups");

    private static final int MAX_REDIRECT_LENGTH = 2048;

    private static final String PROVIDER = "the provider's id";
    private static final String REDIRECT = "where the browser goes afterwards: a same-origin path, / otherwise";

    private final SsoProviders providers;
    private final OpenIdConnect openId;
    private final Users users;
    private final Sessions sessions;
    private final SessionTokens tokens;
    private final IdentitySync sync;
    private final SsoConfiguration configuration;
    private final JwtConfiguration jwt;
    private final boolean trustForwarded;

    LoginController(SsoProviders providers, OpenIdConnect openId, Users users, Sessions sessions, SessionTokens tokens,
                    IdentitySync sync, SsoConfiguration configuration, JwtConfiguration jwt, ProxyConfiguration proxy) {
        this.providers = providers;
        this.openId = openId;
        this.users = users;
        this.sessions = sessions;
        this.tokens = tokens;
        this.sync = sync;
        this.configuration = configuration;
        this.jwt = jwt;
        this.trustForwarded = proxy.isTrustForwardedHeaders();
    }

    @Get("/login/{provider}")
    @Operation(operationId = "startLogin", summary = "Start an OIDC login", description = "302 to the provider's authorization "
        + "endpoint (authorization code with PKCE), with the login state in a sealed cookie; redirect is where the browser goes "
        + "after the login (a same-origin path, default /). Public: a browser opens it, not a script.")
    @ApiResponse(responseCode = "302", description = "to the provider", headers = {
        @Header(name = "Location", description = "the provider's authorization endpoint", schema = @Schema(type = "string"),
            example = "https://sso.example.com/realms/gatehouse/protocol/openid-connect/auth?response_type=code&client_id=gatehouse"
                + "&redirect_uri=https%3A%2F%2Fapi.example.com%2Fv1%2Fauth%2Fcallback%2Fkeycloak&scope=openid+email&state=XXuOOFJx"
                + "&nonce=e9Ed4Y8N&code_challenge=BUfXJxpV&code_challenge_method=S256"),
        @Header(name = "Set-Cookie", description = "the sealed login state, for the callback", schema = @Schema(type = "string"),
            example = "gatehouse_login_R2nnbZPzQRk33XPb=eyJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiZGlyIn0..2TVNVjF0; Max-Age=600; Path=/; "
                + "HTTPOnly; SameSite=Lax")})
    @ApiResponse(responseCode = "404", description = "no enabled provider of this id", content = @Content(
        schema = @Schema(implementation = ErrorEnvelope.class), examples = @ExampleObject(name = "unknown", ref = OpenApiRefs.EXAMPLES + "UnknownProvider")))
    @ApiResponse(responseCode = "502", description = "the provider's discovery document cannot be read", content = @Content(
        schema = @Schema(implementation = ErrorEnvelope.class),
        examples = @ExampleObject(name = "unavailable", ref = OpenApiRefs.EXAMPLES + "ProviderUnavailable")))
    HttpResponse<?> login(HttpRequest<?> request, @Parameter(description = PROVIDER, example = "keycloak") @PathVariable String provider,
                          @Parameter(description = REDIRECT, example = "/console") @Nullable @QueryValue String redirect) {
        return startLogin(request, provider, redirect, CALLBACK_PATH + provider);
    }

    /**
     * Sends the browser to the provider.
     *
     * @param request      the request
     * @param provider     the provider's id
     * @param redirect     where the browser goes after the login
     * @param callbackPath the path of the callback on this gateway, the {@code redirect_uri} after the base URL
     * @return the 302 with the login cookie
     */
    HttpResponse<?> startLogin(HttpRequest<?> request, String provider, @Nullable String redirect, String callbackPath) {
        SsoProvider found = enabled(provider);
        OpenIdConnect.Metadata metadata = openId.metadata(found);
        String state = Secrets.randomToken(32);
        String nonce = Secrets.randomToken(32);
        String verifier = Secrets.randomToken(32);
        String redirectUri = baseUrl(request) + callbackPath;
        String sealed = tokens.seal(new JWTClaimsSet.Builder()
            .claim("provider", found.id())
            .claim("state", state)
            .claim("nonce", nonce)
            .claim("verifier", verifier)
            .claim("redirect", safeRedirect(redirect))
            .claim("redirect_uri", redirectUri)
            .expirationTime(Date.from(Instant.now().plus(configuration.getLoginTimeout())))
            .build());
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", found.clientId());
        parameters.put("redirect_uri", redirectUri);
        parameters.put("scope", String.join(" ", found.scopes()));
        parameters.put("state", state);
        parameters.put("nonce", nonce);
        parameters.put("code_challenge", challenge(verifier));
        parameters.put("code_challenge_method", "S256");
        String endpoint = metadata.authorizationEndpoint();
        URI location = URI.create(endpoint + (endpoint.contains("?") ? "&" : "?") + OpenIdConnect.form(parameters));
        return noStore(found(location))
            .cookie(sessions.cookie(loginCookieName(state), sealed, "/", configuration.getLoginTimeout()));
    }

    @Get("/callback/{provider}")
    @Operation(operationId = "finishLogin", summary = "Finish an OIDC login", description = "The redirect_uri: exchanges the code, "
        + "checks the ID token, applies the provider's provisioning controls (allowed email domains, auto-provision), provisions "
        + "the user, sets the session cookie and sends the browser where the login was asked to go. Public: the provider sends "
        + "the browser here; it needs the login cookie of the same browser.")
    @ApiResponse(responseCode = "302", description = "logged in: to where the login was asked to go", headers = {
        @Header(name = "Location", description = "the redirect given at the login", schema = @Schema(type = "string"), example = "/console"),
        @Header(name = "Set-Cookie", description = "the session cookie, and the login cookie removed", schema = @Schema(type = "string"),
            example = "gatehouse_session=eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwZDZjIn0.c2lnbmF0dXJl; Max-Age=28800; Path=/; "
                + "Secure; HTTPOnly; SameSite=Lax")})
    @ApiResponse(responseCode = "400", description = "no login of this browser to finish, or its state does not match",
        content = @Content(schema = @Schema(implementation = ErrorEnvelope.class),
            examples = @ExampleObject(name = "noLogin", ref = OpenApiRefs.EXAMPLES + "MissingLoginState")))
    @ApiResponse(responseCode = "401", description = "the provider did not log the user in, or its ID token fails a check",
        content = @Content(schema = @Schema(implementation = ErrorEnvelope.class),
            examples = @ExampleObject(name = "refused", ref = OpenApiRefs.EXAMPLES + "ProviderRefusedLogin")))
    @ApiResponse(responseCode = "403", description = "the provider's provisioning controls refuse the user",
        content = @Content(schema = @Schema(implementation = ErrorEnvelope.class),
            examples = @ExampleObject(name = "domain", ref = OpenApiRefs.EXAMPLES + "DomainNotAllowed")))
    @ApiResponse(responseCode = "502", description = "the provider cannot be reached or answers nonsense", content = @Content(
        schema = @Schema(implementation = ErrorEnvelope.class),
        examples = @ExampleObject(name = "unavailable", ref = OpenApiRefs.EXAMPLES + "ProviderUnavailable")))
    HttpResponse<?> callback(HttpRequest<?> request, @Parameter(description = PROVIDER, example = "keycloak") @PathVariable String provider,
                             @Parameter(description = "the authorization code", example = "0b6a1c6e-8f0d-4f47-9a3c.2c1b")
                             @Nullable @QueryValue String code,
                             @Parameter(description = "the state the login sent", example = "XXuOOFJx_2JGxyLC7Pc2K63aXV1q1XeuB0PIiRG9zU")
                             @Nullable @QueryValue String state,
                             @Parameter(description = "the provider's error, when it did not log the user in", example = "access_denied")
                             @Nullable @QueryValue String error,
                             @Parameter(description = "its description", example = "User denied consent")
                             @Nullable @QueryValue("error_description") String errorDescription) {
        return finishLogin(request, provider, code, state, error, errorDescription);
    }

    /**
     * Finishes a login.
     *
     * @param request          the request
     * @param provider         the provider the callback path names, or {@code null} when it names none (the SSO
     *                         gateway's {@code /sso/oidc/callback}): then the login state says
     * @param code             the authorization code
     * @param state            the state
     * @param error            the provider's error, if it sent one
     * @param errorDescription its description
     * @return the 302 with the session cookie
     */
    HttpResponse<?> finishLogin(HttpRequest<?> request, @Nullable String provider, @Nullable String code, @Nullable String state,
                                @Nullable String error, @Nullable String errorDescription) {
        JWTClaimsSet login = loginState(request, provider, state);
        String providerId = String.valueOf(login.getClaim("provider"));
        if (error != null) {
            // This login is over: its cookie goes with the error, as it would with a session.
            throw endLogin(ErrorCode.UNAUTHORIZED, "The identity provider did not log the user in (" + clean(error) + ").",
                Map.of("provider", providerId, "reason", "provider_error", "error", clean(error),
                    "error_description", errorDescription == null ? "" : clean(errorDescription)), state);
        }
        if (code == null || code.isBlank()) {
            throw badRequest("The callback has no authorization code.", providerId, "missing_code");
        }
        SsoProvider found = enabled(providerId);
        OpenIdConnect.Tokens exchanged = openId.exchange(found, code, String.valueOf(login.getClaim("verifier")),
            String.valueOf(login.getClaim("redirect_uri")));
        JWTClaimsSet idToken = openId.verify(found, exchanged.idToken(), String.valueOf(login.getClaim("nonce")));
        SsoProvider.Provisioning provisioning = found.provisioning();
        String email = idToken.getClaim("email") instanceof String e ? e : null;
        if (!provisioning.allowedDomains().isEmpty()) {
            admitEmail(found, email, verified(idToken), state);
        }
        String tenant = tenant(found, idToken);
        String name = idToken.getClaim("name") instanceof String n ? n : null;
        String userId = users.provision(found.id(), idToken.getSubject(), email, name, tenant, provisioning.autoProvision());
        if (userId == null) {
            throw endLogin(ErrorCode.FORBIDDEN, "This user has not been provisioned for '" + found.id() + "', and the provider "
                + "does not provision users on their first login (auto-provision is off).",
                Map.of("provider", found.id(), "reason", "user_not_provisioned"), state);
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        for (String copied : COPIED_CLAIMS) {
            Object value = idToken.getClaim(copied);
            if (value != null) {
                claims.put(copied, value);
            }
        }
        claims.put(SessionClaims.PROVIDER, found.id());
        claims.put(SessionClaims.PROVIDER_SUBJECT, idToken.getSubject());
        claims.put(SessionClaims.ROLES, provisioning.roles(roles(idToken, found.rolesClaim()), roles(idToken, provisioning.groupsClaim())));
        if (exchanged.scope() != null) {
            claims.put(SessionClaims.SCOPE, exchanged.scope());
        }
        if (tenant != null) {
            claims.put(SessionClaims.TENANT, tenant);
        }
        Cookie session = sessions.start(userId, claims);
        // Who logged in, for the audit log's record of this login (io.gatehouse.audit.LoginAuditFilter).
        request.setAttribute(GatewayPrincipal.ATTRIBUTE, new GatewayPrincipal(userId, AuthMode.SESSION.configName(), claims,
            java.util.Set.of(), java.util.Set.of(), tenant));
        return noStore(found(URI.create(String.valueOf(login.getClaim("redirect")))))
            .cookie(session)
            .cookie(sessions.cookie(loginCookieName(state), "", "/", Duration.ZERO));
    }

    /**
     * The provider's email-domain allowlist, on the ID token's verified {@code email}: a missing or
     * unverified email is refused as well, since its domain proves nothing.
     */
    private void admitEmail(SsoProvider provider, @Nullable String email, boolean verified, String state) {
        if (email == null || !verified) {
            throw endLogin(ErrorCode.FORBIDDEN, "The provider '" + provider.id() + "' admits users of some email domains only, "
                + "and the identity provider did not vouch for this user's email (" + (email == null ? "no email claim"
                : "email_verified is not true") + ").", Map.of("provider", provider.id(), "reason", "email_not_verified"), state);
        }
        if (!provider.provisioning().admitsEmail(email)) {
            String domain = SsoProvider.Provisioning.domain(email);
            throw endLogin(ErrorCode.FORBIDDEN, "Users of the email domain '" + clean(domain) + "' may not log in with '"
                + provider.id() + "'.", Map.of("provider", provider.id(), "reason", "domain_not_allowed", "domain", clean(domain)), state);
        }
    }

    /** {@code email_verified} is a boolean; some providers send the string {@code "true"}. */
    private static boolean verified(JWTClaimsSet idToken) {
        Object value = idToken.getClaim("email_verified");
        return Boolean.TRUE.equals(value) || "true".equals(value);
    }

    /** A refusal that ends the login: the answer removes this login's cookie too. */
    private GatewayException endLogin(ErrorCode code, String message, Map<String, Object> details, String state) {
        return new GatewayException(code, message, details, Map.of(HttpHeaders.SET_COOKIE, ServerCookieEncoder.INSTANCE.encode(
            sessions.cookie(loginCookieName(state), "", "/", Duration.ZERO)).getFirst()));
    }

    @Get(value = "/providers", produces = MediaType.APPLICATION_JSON)
    @Operation(operationId = "listLoginProviders", summary = "The SSO providers users may log in with", description = "Public: each "
        + "enabled provider's name, type and login URL, for a login page to offer; never a client id or secret.")
    @ApiResponse(responseCode = "200", description = "the enabled providers", content = @Content(
        schema = @Schema(implementation = PublicProviderList.class),
        examples = @ExampleObject(name = "providers", ref = OpenApiRefs.EXAMPLES + "PublicProviderList")))
    HttpResponse<PublicProviderList> providers() {
        return noStore(HttpResponse.ok(providerList(id -> LOGIN_PATH + id)));
    }

    /**
     * @param loginPath the login path of a provider id
     * @return the enabled providers with their login URLs
     */
    PublicProviderList providerList(java.util.function.Function<String, String> loginPath) {
        sync.ensureFresh().join();
        String base = configuration.getRedirectBaseUrl() == null ? "" : configuration.getRedirectBaseUrl();
        return new PublicProviderList(providers.all().stream().filter(SsoProvider::enabled)
            .map(p -> new PublicProvider(p.id(), SsoProvider.TYPE_OIDC, base + loginPath.apply(p.id()))).toList());
    }

    @Post(value = "/logout", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    @Operation(operationId = "logout", summary = "End the session", description = "Revokes the session on every instance and "
        + "removes the cookie; end_session_url, when present, ends the provider's session too. Without a session: logged_out false.")
    @SecurityRequirement(name = OpenApiRefs.SESSION_COOKIE)
    @ApiResponse(responseCode = "200", description = "whether a session was ended", content = @Content(
        schema = @Schema(implementation = LogoutView.class),
        examples = {@ExampleObject(name = "loggedOut", ref = OpenApiRefs.EXAMPLES + "LoggedOut"),
            @ExampleObject(name = "noSession", ref = OpenApiRefs.EXAMPLES + "NotLoggedIn")}))
    HttpResponse<LogoutView> logout(HttpRequest<?> request,
                                    @Parameter(description = "where the provider sends the browser after its logout (a same-origin path)",
                                        example = "/") @Nullable @QueryValue String redirect) {
        var ended = sessions.end(request);
        String endSession = ended.map(claims -> endSessionUrl(request, claims, redirect)).orElse(null);
        return clearSession(request, noStore(HttpResponse.ok(new LogoutView(ended.isPresent(), endSession))));
    }

    @Get("/logout")
    @Operation(operationId = "logoutLink", summary = "End the session (browser link)", description = "As POST, then 302 to redirect "
        + "(a same-origin path, default /), or with provider_logout=true to the provider's end-session endpoint when it has one. "
        + "Without a session it only redirects. 403 when the browser says the link was followed from another site "
        + "(Sec-Fetch-Site: cross-site).")
    @SecurityRequirement(name = OpenApiRefs.SESSION_COOKIE)
    @ApiResponse(responseCode = "302", description = "logged out", headers = {
        @Header(name = "Location", description = "the redirect, or the provider's end-session endpoint", schema = @Schema(type = "string"),
            example = "/"),
        @Header(name = "Set-Cookie", description = "the session cookie removed, when the request carried it", schema = @Schema(type = "string"),
            example = "gatehouse_session=; Max-Age=0; Path=/; Secure; HTTPOnly; SameSite=Lax")})
    @ApiResponse(responseCode = "403", description = "a link followed from another site", content = @Content(
        schema = @Schema(implementation = ErrorEnvelope.class), examples = @ExampleObject(name = "crossSite", ref = OpenApiRefs.EXAMPLES + "CrossSiteLogout")))
    HttpResponse<?> logoutLink(HttpRequest<?> request, @Parameter(description = REDIRECT, example = "/") @Nullable @QueryValue String redirect,
                               @Parameter(description = "whether to end the provider's session too", example = "true")
                               @Nullable @QueryValue("provider_logout") Boolean providerLogout) {
        // A top-level GET from another site carries the Lax session cookie: refuse it, so that a
        // link or image elsewhere cannot log users out. Browsers send Sec-Fetch-Site on every
        // request (same-origin, same-site, none for a typed address); clients that send none pass.
        if ("cross-site".equalsIgnoreCase(request.getHeaders().get(SEC_FETCH_SITE))) {
            throw new GatewayException(ErrorCode.FORBIDDEN, "A logout link followed from another site is refused: "
                + "log out from a page of this site, or POST /v1/auth/logout.", Map.of("reason", "cross_site_logout"), Map.of());
        }
        var ended = sessions.end(request);
        String target = safeRedirect(redirect);
        if (Boolean.TRUE.equals(providerLogout) && ended.isPresent()) {
            String endSession = endSessionUrl(request, ended.get(), target);
            if (endSession != null) {
                target = endSession;
            }
        }
        return clearSession(request, noStore(found(URI.create(target))));
    }

    @Get(value = "/session", produces = MediaType.APPLICATION_JSON)
    @Operation(operationId = "getSession", summary = "The current session's user", description = "401 without a valid session cookie.")
    @SecurityRequirement(name = OpenApiRefs.SESSION_COOKIE)
    @ApiResponse(responseCode = "200", description = "the session's user", content = @Content(schema = @Schema(implementation = SessionView.class),
        examples = @ExampleObject(name = "session", ref = OpenApiRefs.EXAMPLES + "Session")))
    @ApiResponse(responseCode = "401", description = "no valid, unrevoked session", content = @Content(
        schema = @Schema(implementation = ErrorEnvelope.class), examples = @ExampleObject(name = "noSession", ref = OpenApiRefs.EXAMPLES + "NoSession")))
    HttpResponse<SessionView> session(HttpRequest<?> request) {
        SessionView view = sessionView(request).orElseThrow(() -> new GatewayException(ErrorCode.UNAUTHORIZED,
            "No session: log in first.", Map.of("auth", "session", "reason", "missing_credentials"), Map.of()));
        return noStore(HttpResponse.ok(view));
    }

    /**
     * @param request a request
     * @return the user of its valid, unrevoked session, if it has one
     */
    java.util.Optional<SessionView> sessionView(HttpRequest<?> request) {
        return sessions.current(request).map(claims -> new SessionView(true, claims.getSubject(), string(claims, SessionClaims.PROVIDER),
            string(claims, SessionClaims.PROVIDER_SUBJECT), string(claims, "email"), string(claims, "name"),
            string(claims, SessionClaims.TENANT), Sessions.roles(claims), string(claims, SessionClaims.SCOPE),
            claims.getExpirationTime().toInstant()));
    }

    private SsoProvider enabled(String id) {
        // A provider added or removed on another instance a moment ago: look at fresh views (Lambda has no background sync).
        sync.ensureFresh().join();
        return providers.find(id).filter(SsoProvider::enabled).orElseThrow(() -> new GatewayException(ErrorCode.NOT_FOUND,
            "No enabled SSO provider '" + id + "'.", Map.of("provider", id), Map.of()));
    }

    private JWTClaimsSet loginState(HttpRequest<?> request, @Nullable String provider, String state) {
        String sealed = state == null || state.isEmpty() ? null : request.getCookies().findCookie(loginCookieName(state))
            .map(Cookie::getValue).filter(v -> !v.isEmpty()).orElse(null);
        if (sealed == null) {
            boolean anyLogin = request.getCookies().getAll().stream()
                .anyMatch(c -> c.getName().startsWith(LOGIN_COOKIE) && !c.getValue().isEmpty());
            if (anyLogin) {
                throw badRequest("The state does not belong to a login started in this browser.", provider, "state_mismatch");
            }
            throw badRequest("No login is in progress in this browser (the login cookie is missing); start again.", provider,
                "missing_login_state");
        }
        JWTClaimsSet login;
        try {
            login = tokens.open(sealed);
        } catch (InvalidTokenException e) {
            throw badRequest(e.reason() == InvalidTokenException.Reason.EXPIRED ? e.getMessage()
                : "The login state is not valid; start again.", provider, "invalid_login_state");
        }
        if (provider != null && !provider.equals(login.getClaim("provider"))) {
            throw badRequest("This login was started with another provider.", provider, "provider_mismatch");
        }
        if (state == null || !Secrets.constantTimeEquals(state, String.valueOf(login.getClaim("state")))) {
            throw badRequest("The state does not belong to the login started in this browser.", provider, "state_mismatch");
        }
        return login;
    }

    /**
     * Removes the session cookie with the answer, but only when the request carried it: a cross-site
     * form POST comes without it (SameSite=Lax), and removing it anyway would let any site log the
     * user out.
     */
    private <T> MutableHttpResponse<T> clearSession(HttpRequest<?> request, MutableHttpResponse<T> response) {
        return sessions.carriesCookie(request) ? response.cookie(sessions.cleared()) : response;
    }

    /**
     * @param state a login's state
     * @return the name of the cookie that carries that login: the prefix and the start of the state's SHA-256
     *         (base64url), so the name tells nothing of the state and never clashes with another login's
     */
    static String loginCookieName(String state) {
        return LOGIN_COOKIE + challenge(state).substring(0, LOGIN_COOKIE_ID_LENGTH);
    }

    private String tenant(SsoProvider provider, JWTClaimsSet idToken) {
        if (provider.tenant() != null) {
            return provider.tenant();
        }
        for (String name : jwt.getTenantClaims()) {
            if (ClaimPath.resolve(idToken.getClaims(), name) instanceof String value && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    /**
     * @param idToken the ID token's claims
     * @param path    a claim name, or a dotted path into nested objects ({@code realm_access.roles}), as {@link ClaimPath} reads it
     * @return the roles found there: a list, or a space- or comma-separated string
     */
    static List<String> roles(JWTClaimsSet idToken, String path) {
        return List.copyOf(ClaimPath.values(idToken.getClaims(), path));
    }

    private String endSessionUrl(HttpRequest<?> request, JWTClaimsSet session, String redirect) {
        Object providerId = session.getClaim(SessionClaims.PROVIDER);
        SsoProvider provider = providerId == null ? null : providers.find(String.valueOf(providerId)).orElse(null);
        if (provider == null) {
            return null;
        }
        String endpoint;
        try {
            endpoint = openId.metadata(provider).endSessionEndpoint();
        } catch (GatewayException e) {
            return null;
        }
        if (endpoint == null) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("client_id", provider.clientId());
        if (redirect != null) {
            parameters.put("post_logout_redirect_uri", baseUrl(request) + safeRedirect(redirect));
        }
        return endpoint + (endpoint.contains("?") ? "&" : "?") + OpenIdConnect.form(parameters);
    }

    /**
     * @param redirect where a caller asks to go after login or logout
     * @return the same when it is a relative path on this origin ({@code /x}, not {@code //host} or
     *         {@code /\host}, no scheme, no control characters or backslashes); otherwise {@code /}
     */
    static String safeRedirect(@Nullable String redirect) {
        if (redirect == null || redirect.isEmpty() || redirect.length() > MAX_REDIRECT_LENGTH || redirect.charAt(0) != '/') {
            return "/";
        }
        if (redirect.length() > 1 && (redirect.charAt(1) == '/' || redirect.charAt(1) == '\\')) {
            return "/";
        }
        for (int i = 0; i < redirect.length(); i++) {
            char c = redirect.charAt(i);
            if (c < 0x21 || c == 0x7f || c == '\\' || c > 0x7e) {
                return "/";
            }
        }
        return redirect;
    }

    private String baseUrl(HttpRequest<?> request) {
        if (configuration.getRedirectBaseUrl() != null) {
            return configuration.getRedirectBaseUrl();
        }
        HttpHeaders headers = request.getHeaders();
        String scheme = request.isSecure() ? "https" : "http";
        String host = headers.get(HttpHeaders.HOST);
        String prefix = "";
        if (trustForwarded) {
            scheme = first(headers.get("X-Forwarded-Proto"), scheme);
            host = first(headers.get("X-Forwarded-Host"), host);
            prefix = first(headers.get("X-Forwarded-Prefix"), "");
        }
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "The request has no usable Host; set gateway.sso.redirect-base-url.",
                Map.of("reason", "no_host"), Map.of());
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            scheme = "https";
        }
        if (!prefix.matches("(/[A-Za-z0-9._~\\-]+)*")) {
            prefix = "";
        }
        return scheme + "://" + host + prefix;
    }

    private static String first(String header, String fallback) {
        if (header == null || header.isBlank()) {
            return fallback;
        }
        int comma = header.indexOf(',');
        return (comma >= 0 ? header.substring(0, comma) : header).trim();
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String string(JWTClaimsSet claims, String name) {
        return claims.getClaim(name) instanceof String value ? value : null;
    }

    private static String clean(String text) {
        String value = text.length() > 200 ? text.substring(0, 200) : text;
        return value.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static GatewayException badRequest(String message, @Nullable String provider, String reason) {
        return new GatewayException(ErrorCode.BAD_REQUEST, message,
            provider == null ? Map.of("reason", reason) : Map.of("provider", provider, "reason", reason), Map.of());
    }

    /** 302 Found, as browsers and OAuth 2.0 (RFC 6749 section 4.1) expect; Micronaut's redirect() is 301. */
    private static MutableHttpResponse<?> found(URI location) {
        return HttpResponse.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, location.toString());
    }

    static <T> MutableHttpResponse<T> noStore(MutableHttpResponse<T> response) {
        return response.header(HttpHeaders.CACHE_CONTROL, "no-store").header("Pragma", "no-cache");
    }
}
