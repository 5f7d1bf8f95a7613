package io.gatehouse.observability.dashboard;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.AdminCredentials;
import io.gatehouse.identity.AdminPrincipal;
import io.gatehouse.security.session.Sessions;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.http.sse.Event;
import io.swagger.v3.oas.annotations.Hidden;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * The live dashboard: {@code GET /dashboard} the page (no data in it), {@code POST /dashboard/session}
 * exchanges the admin credential ({@link AdminCredentials}: the admin token, or an administrator's
 * bearer token) for a dashboard session cookie, and {@code GET /dashboard/events} streams the
 * dashboard as server-sent events (the admin credential or that cookie): the whole state at once,
 * then an update every interval and on every route-table change. The browser never polls.
 *
 * <p>The cookie ({@value #COOKIE}) is {@code HttpOnly}, {@code SameSite=Strict}, scoped to
 * {@code /dashboard}, valid for an hour and signed with a key of this process: a restart or another
 * instance asks for the credential again. Only the global administrator sees the dashboard (it
 * shows every tenant's routes), or a user signed in through the gateway's login whose session
 * holds a role of {@code gateway.dashboard.roles} ({@link Sessions}: the session cookie, checked
 * against revocations on every connection).
 */
@Controller("/dashboard")
@Hidden
@Requires(beans = DashboardHistory.class)
final class DashboardController {

    /** The dashboard session cookie. */
    static final String COOKIE = "gatehouse_dashboard";

    private static final Duration SESSION = Duration.ofHours(1);

    private final DashboardHistory history;
    private final AdminCredentials credentials;
    private final Sessions sessions;
    private final Set<String> roles;
    private final byte[] key = new byte[32];
    private final String page;

    DashboardController(DashboardHistory history, AdminCredentials credentials, Sessions sessions,
                        DashboardConfiguration configuration) {
        this.history = history;
        this.credentials = credentials;
        this.sessions = sessions;
        this.roles = Set.copyOf(configuration.getRoles());
        new SecureRandom().nextBytes(key);
        try (InputStream in = DashboardController.class.getResourceAsStream("/dashboard/index.html")) {
            this.page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Get
    @Produces(MediaType.TEXT_HTML)
    HttpResponse<String> page() {
        return HttpResponse.ok(page)
            .header("Cache-Control", "no-store")
            .header("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                + "connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    }

    @Post("/session")
    @Produces(MediaType.APPLICATION_JSON)
    HttpResponse<Map<String, Object>> session(HttpRequest<?> request) {
        requireGlobal(credentials.require(request));
        long expires = System.currentTimeMillis() / 1000 + SESSION.toSeconds();
        String value = expires + "." + sign(expires);
        Cookie cookie = Cookie.of(COOKIE, value).path("/dashboard").httpOnly(true).sameSite(SameSite.Strict)
            .maxAge(SESSION).secure("https".equalsIgnoreCase(request.getUri().getScheme()));
        return HttpResponse.ok(Map.<String, Object>of("expires_in", SESSION.toSeconds())).cookie(cookie);
    }

    @Get("/events")
    @Produces(MediaType.TEXT_EVENT_STREAM)
    Publisher<Event<String>> events(HttpRequest<?> request) {
        if (!validSession(request) && !signedInOperator(request)) {
            requireGlobal(credentials.require(request));
        }
        return Flux.concat(Mono.fromCallable(history::snapshot), history.updates()).map(Event::of);
    }

    private static void requireGlobal(AdminPrincipal principal) {
        if (!principal.global()) {
            throw new GatewayException(ErrorCode.FORBIDDEN, "The dashboard shows every tenant's routes: only the global administrator sees it.",
                Map.of("reason", "global_admin_required"), Map.of());
        }
    }

    /**
     * @return whether the request carries the gateway's login session of a user holding a role of
     *         {@code gateway.dashboard.roles}
     */
    private boolean signedInOperator(HttpRequest<?> request) {
        if (roles.isEmpty()) {
            return false;
        }
        return sessions.current(request).map(claims -> Sessions.roles(claims).stream().anyMatch(roles::contains)).orElse(false);
    }

    private boolean validSession(HttpRequest<?> request) {
        String value = request.getCookies().findCookie(COOKIE).map(Cookie::getValue).orElse(null);
        if (value == null) {
            return false;
        }
        int dot = value.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        long expires;
        try {
            expires = Long.parseLong(value.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        return expires > System.currentTimeMillis() / 1000
            && MessageDigest.isEqual(sign(expires).getBytes(StandardCharsets.US_ASCII),
            value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    }

    private String sign(long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(("dashboard:" + expires).getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
