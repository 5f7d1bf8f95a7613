package io.gatehouse.identity.sso;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.sso.SsoModels.LogoutView;
import io.gatehouse.identity.sso.SsoModels.NoSession;
import io.gatehouse.identity.sso.SsoModels.PublicProviderList;
import io.gatehouse.security.session.SessionConfiguration;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The SSO gateway's paths, kept as aliases of {@code /v1/auth/*} for the browsers, login pages and
 * provider registrations that still use them: {@code /sso/oidc/providers}, {@code /sso/oidc/login?provider=},
 * {@code /sso/oidc/callback}, {@code /sso/oidc/logout} and {@code /sso/session}. A login started here
 * registers {@value #CALLBACK_PATH} as its {@code redirect_uri}, so a provider whose client still
 * lists the SSO gateway's redirect URI keeps working; the callback finds the provider in the login
 * state, since the path names none. {@code /sso/session} answers {@code {"authenticated":false}}
 * without a session, as the SSO gateway did. Left out of the OpenAPI document; switched off with
 * {@code gateway.legacy-aliases.sso=false}.
 */
@Hidden
@Controller("/sso")
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(property = SessionConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
@Requires(property = LegacySsoController.SWITCH, notEquals = StringUtils.FALSE)
final class LegacySsoController {

    /** The switch of these aliases, on unless {@code false}. */
    static final String SWITCH = "gateway.legacy-aliases.sso";

    /** The SSO gateway's callback, the {@code redirect_uri} of logins started at {@code /sso/oidc/login}. */
    static final String CALLBACK_PATH = "/sso/oidc/callback";

    private static final String LOGIN_PATH = "/sso/oidc/login?provider=";

    private final LoginController login;

    LegacySsoController(LoginController login) {
        this.login = login;
    }

    @Get(value = "/oidc/providers", produces = MediaType.APPLICATION_JSON)
    HttpResponse<PublicProviderList> providers() {
        return LoginController.noStore(HttpResponse.ok(login.providerList(id -> LOGIN_PATH + URLEncoder.encode(id, StandardCharsets.UTF_8))));
    }

    @Get("/oidc/login")
    HttpResponse<?> login(HttpRequest<?> request, @Nullable @QueryValue String provider, @Nullable @QueryValue String redirect) {
        if (provider == null || provider.isBlank()) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "Name the provider to log in with: /sso/oidc/login?provider=<name>.",
                Map.of("reason", "missing_provider"), Map.of());
        }
        return login.startLogin(request, provider, redirect, CALLBACK_PATH);
    }

    @Get("/oidc/callback")
    HttpResponse<?> callback(HttpRequest<?> request, @Nullable @QueryValue String code, @Nullable @QueryValue String state,
                             @Nullable @QueryValue String error, @Nullable @QueryValue("error_description") String errorDescription) {
        return login.finishLogin(request, null, code, state, error, errorDescription);
    }

    @Post(value = "/oidc/logout", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    HttpResponse<LogoutView> logout(HttpRequest<?> request, @Nullable @QueryValue String redirect) {
        return login.logout(request, redirect);
    }

    @Get("/oidc/logout")
    HttpResponse<?> logoutLink(HttpRequest<?> request, @Nullable @QueryValue String redirect,
                               @Nullable @QueryValue("provider_logout") Boolean providerLogout) {
        return login.logoutLink(request, redirect, providerLogout);
    }

    @Get(value = "/session", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> session(HttpRequest<?> request) {
        MutableHttpResponse<?> answer = login.sessionView(request).<MutableHttpResponse<?>>map(HttpResponse::ok)
            .orElseGet(() -> HttpResponse.ok(new NoSession(false)));
        return LoginController.noStore(answer);
    }
}
