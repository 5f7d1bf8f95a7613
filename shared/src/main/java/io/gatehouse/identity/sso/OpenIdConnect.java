package io.gatehouse.identity.sso;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.security.jwt.InvalidTokenException;
import io.gatehouse.security.jwt.JwtConfiguration;
import io.gatehouse.security.jwt.JwtVerifier;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The relying-party side of OpenID Connect for providers known only at run time: discovery
 * ({@code <issuer>/.well-known/openid-configuration}, cached), the code exchange at the token
 * endpoint ({@code client_secret_basic}, with the PKCE verifier), and ID token verification.
 *
 * <p>Built on the JDK's {@link HttpClient} and Nimbus JOSE rather than micronaut-security-oauth2:
 * that module creates its OpenID clients, their provider metadata and token validators as beans per
 * {@code micronaut.security.oauth2.clients.*} entry at start-up ({@code @EachBean}, the metadata
 * {@code @Context @Parallel}, fetched from the provider while the context starts), keeps state,
 * nonce and PKCE in persistence beans shared by all clients, and ends a login in
 * micronaut-security's own login handler and token. Providers added through the admin API after
 * start, a Lambda cold start that must not call the provider, and the gateway's revocable
 * session have no place in that design. ID tokens are verified by the gateway's own
 * {@link JwtVerifier} (the same checks as bearer tokens: no {@code alg: none}, no key confusion,
 * {@code kid} rotation), one per provider, with the provider's JWKS, issuer and client id.
 *
 * <p>Blocking (network): called by the login endpoints on the blocking executor. Nothing is
 * fetched before the first login.
 */
@Singleton
class OpenIdConnect {

    private static final Logger LOG = LoggerFactory.getLogger(OpenIdConnect.class);
    private static final int MAX_DOCUMENT_BYTES = 512 * 1024;

    /**
     * The parts of a discovery document the login uses.
     *
     * @param issuer                the issuer, equal to the configured one
     * @param authorizationEndpoint where the browser is sent
     * @param tokenEndpoint         where the code is exchanged
     * @param jwksUri               the provider's keys
     * @param endSessionEndpoint    RP-initiated logout, or {@code null}
     */
    record Metadata(String issuer, String authorizationEndpoint, String tokenEndpoint, String jwksUri, String endSessionEndpoint) {
    }

    /**
     * What the token endpoint answered.
     *
     * @param idToken the ID token
     * @param scope   the granted scopes, or {@code null} when it did not say
     */
    record Tokens(String idToken, String scope) {
    }

    private record Client(SsoProvider provider, Metadata metadata, JwtVerifier verifier, long fetchedAt) {
    }

    private final SsoConfiguration configuration;
    private final JwtConfiguration jwt;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private volatile HttpClient http;

    OpenIdConnect(SsoConfiguration configuration, JwtConfiguration jwt) {
        this.configuration = configuration;
        this.jwt = jwt;
    }

    /**
     * @param provider a provider
     * @return its discovery metadata, fetched when not cached or older than {@code gateway.sso.discovery-refresh}
     * @throws GatewayException 502 when the provider cannot be reached or its document is not usable
     */
    Metadata metadata(SsoProvider provider) {
        return client(provider).metadata();
    }

    /**
     * Exchanges an authorization code.
     *
     * @param provider    the provider
     * @param code        the code from the callback
     * @param verifier    the PKCE code verifier
     * @param redirectUri the redirect URI sent with the authorization request
     * @return the ID token and granted scope
     * @throws GatewayException 401 when the provider refuses the code, 502 when it fails
     */
    Tokens exchange(SsoProvider provider, String code, String verifier, String redirectUri) {
        Metadata metadata = metadata(provider);
        String form = form(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri,
            "code_verifier", verifier));
        // RFC 6749 section 2.3.1: client id and secret are form-encoded before Basic encoding.
        String basic = Base64.getEncoder().encodeToString((encode(provider.clientId()) + ":" + encode(provider.clientSecret()))
            .getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> response = send(provider, HttpRequest.newBuilder(URI.create(metadata.tokenEndpoint()))
            .timeout(configuration.getHttpTimeout())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .header("Authorization", "Basic " + basic)
            .POST(HttpRequest.BodyPublishers.ofString(form)).build(), "token endpoint");
        Map<String, Object> body = json(provider, response, "token endpoint", false);
        if (response.statusCode() == 400 || response.statusCode() == 401) {
            Object error = body == null ? null : body.get("error");
            throw new GatewayException(ErrorCode.UNAUTHORIZED, "The identity provider refused the login (" + error + ").",
                Map.of("provider", provider.id(), "reason", "code_rejected", "error", String.valueOf(error)), Map.of());
        }
        if (response.statusCode() != 200 || body == null || !(body.get("id_token") instanceof String idToken)) {
            throw unavailable(provider, "token endpoint answered " + response.statusCode() + " without an id_token");
        }
        return new Tokens(idToken, body.get("scope") instanceof String scope ? scope : null);
    }

    /**
     * Verifies an ID token: signature with the provider's JWKS, {@code iss}, {@code aud} (the
     * client id; {@code azp} too when there are several audiences), {@code exp}, {@code sub}, and
     * the {@code nonce} of this login.
     *
     * @param provider the provider
     * @param idToken  the ID token
     * @param nonce    the nonce sent with the authorization request
     * @return its claims
     * @throws GatewayException 401 naming the failed check
     */
    JWTClaimsSet verify(SsoProvider provider, String idToken, String nonce) {
        Client client = client(provider);
        JWTClaimsSet claims;
        try {
            claims = client.verifier().verify(idToken);
        } catch (InvalidTokenException e) {
            throw invalidIdToken(provider, e.reason().code(), e.getMessage());
        }
        List<String> audiences = claims.getAudience();
        if (audiences.size() > 1 && !provider.clientId().equals(claims.getClaim("azp"))) {
            throw invalidIdToken(provider, "wrong_audience", "The ID token names several audiences but not this client as authorized party (azp).");
        }
        Object presented = claims.getClaim("nonce");
        if (!(presented instanceof String text) || !io.gatehouse.identity.Secrets.constantTimeEquals(text, nonce)) {
            throw invalidIdToken(provider, "nonce_mismatch", "The ID token's nonce does not belong to this login.");
        }
        return claims;
    }

    private static GatewayException invalidIdToken(SsoProvider provider, String reason, String message) {
        return new GatewayException(ErrorCode.UNAUTHORIZED, "The identity provider's ID token is not valid: " + message,
            Map.of("provider", provider.id(), "reason", "invalid_id_token", "check", reason), Map.of());
    }

    private Client client(SsoProvider provider) {
        Client cached = clients.get(provider.id());
        long now = System.nanoTime();
        if (cached != null && cached.provider().sameClient(provider)
            && now - cached.fetchedAt() < configuration.getDiscoveryRefresh().toNanos()) {
            return cached;
        }
        synchronized (this) {
            cached = clients.get(provider.id());
            if (cached != null && cached.provider().sameClient(provider)
                && now - cached.fetchedAt() < configuration.getDiscoveryRefresh().toNanos()) {
                return cached;
            }
            Metadata metadata = discover(provider);
            JwtVerifier verifier = cached != null && cached.provider().sameClient(provider)
                && cached.metadata().jwksUri().equals(metadata.jwksUri()) ? cached.verifier() : verifier(provider, metadata);
            if (cached != null && cached.verifier() != verifier) {
                cached.verifier().close();
            }
            Client fresh = new Client(provider, metadata, verifier, System.nanoTime());
            clients.put(provider.id(), fresh);
            return fresh;
        }
    }

    private JwtVerifier verifier(SsoProvider provider, Metadata metadata) {
        JwtConfiguration check = new JwtConfiguration();
        check.setJwksUrls(List.of(metadata.jwksUri()));
        check.setIssuers(List.of(provider.issuer()));
        check.setAudiences(List.of(provider.clientId()));
        check.setRequiredClaims(List.of("sub", "iat"));
        check.setClockSkew(jwt.getClockSkew());
        check.setMaxTokenSize(Math.max(jwt.getMaxTokenSize(), 16384));
        check.setJwksTimeout(configuration.getHttpTimeout());
        check.setJwksCooldown(jwt.getJwksCooldown());
        check.setJwksRefreshInterval(jwt.getJwksRefreshInterval());
        return JwtVerifier.standalone(check);
    }

    private Metadata discover(SsoProvider provider) {
        String issuer = provider.issuer();
        URI uri = URI.create((issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer) + "/.well-known/openid-configuration");
        HttpResponse<byte[]> response = send(provider, HttpRequest.newBuilder(uri).timeout(configuration.getHttpTimeout())
            .header("Accept", "application/json").GET().build(), "discovery");
        Map<String, Object> document = json(provider, response, "discovery", true);
        // OpenID Connect Discovery 1.0 section 4.3: the issuer in the document must be the one asked for.
        if (!issuer.equals(document.get("issuer"))) {
            throw unavailable(provider, "discovery names the issuer " + document.get("issuer") + ", not " + issuer);
        }
        String authorization = string(document, "authorization_endpoint");
        String token = string(document, "token_endpoint");
        String jwks = string(document, "jwks_uri");
        if (authorization == null || token == null || jwks == null) {
            throw unavailable(provider, "discovery lacks authorization_endpoint, token_endpoint or jwks_uri");
        }
        if (document.get("code_challenge_methods_supported") instanceof List<?> methods && !methods.contains("S256")) {
            throw unavailable(provider, "the provider does not support PKCE with S256");
        }
        return new Metadata(issuer, authorization, token, jwks, string(document, "end_session_endpoint"));
    }

    private HttpResponse<byte[]> send(SsoProvider provider, HttpRequest request, String what) {
        try {
            return http().send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unavailable(provider, what + " could not be reached: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(provider, what + " was interrupted");
        }
    }

    private Map<String, Object> json(SsoProvider provider, HttpResponse<byte[]> response, String what, boolean required) {
        if (required && response.statusCode() != 200) {
            throw unavailable(provider, what + " answered " + response.statusCode());
        }
        if (response.body().length > MAX_DOCUMENT_BYTES) {
            throw unavailable(provider, what + " answered more than " + MAX_DOCUMENT_BYTES + " bytes");
        }
        try {
            return JSONObjectUtils.parse(new String(response.body(), StandardCharsets.UTF_8));
        } catch (ParseException e) {
            if (required) {
                throw unavailable(provider, what + " did not answer a JSON object");
            }
            return null;
        }
    }

    private static String string(Map<String, Object> document, String name) {
        return document.get(name) instanceof String value && !value.isBlank() ? value : null;
    }

    private static GatewayException unavailable(SsoProvider provider, String why) {
        LOG.warn("SSO provider {} ({}): {}", provider.id(), provider.issuer(), why);
        return new GatewayException(ErrorCode.BAD_GATEWAY, "The identity provider '" + provider.id() + "' is not available: " + why + ".",
            Map.of("provider", provider.id(), "reason", "provider_unavailable"), Map.of());
    }

    /**
     * @param values parameters
     * @return them as {@code application/x-www-form-urlencoded}
     */
    static String form(Map<String, String> values) {
        return new LinkedHashMap<>(values).entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpClient http() {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder().connectTimeout(configuration.getHttpTimeout())
                        .followRedirects(HttpClient.Redirect.NEVER).build();
                }
                client = http;
            }
        }
        return client;
    }

    @PreDestroy
    void close() {
        clients.values().forEach(c -> c.verifier().close());
        if (http != null) {
            http.shutdownNow();
        }
    }
}
