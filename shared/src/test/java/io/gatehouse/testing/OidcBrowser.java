package io.gatehouse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser, as far as an OIDC login needs one, over real HTTP: it follows nothing by itself (each
 * redirect is a step the test looks at), keeps the identity provider's cookies (only those of the
 * provider's port, so the gateway's cookies stay under the test's control), and fills in
 * Keycloak's login form.
 *
 * <p>Keycloak marks its cookies {@code Secure} even on plain HTTP; browsers send such cookies to
 * loopback addresses (a potentially trustworthy origin), the JDK's {@code CookieManager} does not.
 * So the provider's cookies are kept here by name, as a browser on 127.0.0.1 would send them.
 */
public final class OidcBrowser implements AutoCloseable {

    /** The start of the name of the gateway's login cookies (one per login, so tabs do not overwrite each other). */
    public static final String LOGIN_COOKIE_PREFIX = "gatehouse_login_";

    private static final Pattern LOGIN_FORM = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

    private final HttpClient client;
    private final int providerPort;
    private final Map<String, String> providerCookies = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param issuer the provider's issuer; its cookies are the only ones kept
     */
    public OidcBrowser(String issuer) {
        this.providerPort = URI.create(issuer).getPort();
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * @param uri     where to go
     * @param headers header names and values, alternating
     * @return the response, not followed
     */
    public HttpResponse<String> get(URI uri, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    /**
     * @param uri     where to post
     * @param form    the form fields
     * @param headers header names and values, alternating
     * @return the response, not followed
     */
    public HttpResponse<String> post(URI uri, Map<String, String> form, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"))));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    /**
     * Logs in at Keycloak: opens the authorization URL the gateway redirected to, submits the login
     * form with the user's credentials, and returns where Keycloak sends the browser next (the
     * gateway's callback with {@code code} and {@code state}). Each sign-in starts without the
     * provider's cookies, so the provider shows its form even when another user signed in before
     * (no single sign-on between calls).
     *
     * @param authorizationUrl the {@code Location} of the gateway's login redirect
     * @param username         the user
     * @param password         the password
     * @return the callback URL
     */
    public URI signIn(URI authorizationUrl, String username, String password) {
        providerCookies.clear();
        HttpResponse<String> page = get(authorizationUrl);
        if (page.statusCode() != 200) {
            throw new AssertionError("the provider's login page answered " + page.statusCode() + ": " + page.body());
        }
        Matcher form = LOGIN_FORM.matcher(page.body());
        if (!form.find()) {
            throw new AssertionError("no login form on the provider's page: " + page.body());
        }
        URI action = URI.create(form.group(1).replace("&amp;", "&"));
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("username", username);
        fields.put("password", password);
        fields.put("credentialId", "");
        HttpResponse<String> submitted = post(action, fields);
        if (submitted.statusCode() != 302) {
            throw new AssertionError("the provider did not accept the login (" + submitted.statusCode() + "): " + submitted.body());
        }
        return URI.create(submitted.headers().firstValue("Location").orElseThrow());
    }

    /**
     * @param response a response
     * @param name     a cookie name
     * @return the {@code Set-Cookie} header that sets it, whole (attributes included)
     */
    public static String setCookie(HttpResponse<?> response, String name) {
        List<String> all = response.headers().allValues("Set-Cookie");
        return all.stream().filter(c -> c.startsWith(name + "=")).findFirst()
            .orElseThrow(() -> new AssertionError("no Set-Cookie for " + name + " among " + all));
    }

    /**
     * @param response the gateway's answer to a login
     * @return the {@code Set-Cookie} header of the login cookie, whole; its name is {@value #LOGIN_COOKIE_PREFIX}
     *         and an id of that login, one cookie per login
     */
    public static String loginSetCookie(HttpResponse<?> response) {
        return loginSetCookie(response.headers().allValues("Set-Cookie"));
    }

    /**
     * @param setCookies {@code Set-Cookie} headers
     * @return the one that sets a login cookie
     */
    public static String loginSetCookie(List<String> setCookies) {
        List<String> found = setCookies.stream().filter(c -> c.startsWith(LOGIN_COOKIE_PREFIX)).toList();
        if (found.size() != 1) {
            throw new AssertionError("not one login cookie among " + setCookies);
        }
        return found.getFirst();
    }

    /**
     * @param setCookie a {@code Set-Cookie} header
     * @return {@code name=value}, as a browser sends it back
     */
    public static String pair(String setCookie) {
        HttpCookie cookie = HttpCookie.parse("Set-Cookie: " + setCookie).getFirst();
        return cookie.getName() + "=" + cookie.getValue();
    }

    private HttpResponse<String> send(HttpRequest request) {
        boolean provider = request.uri().getPort() == providerPort;
        if (provider && !providerCookies.isEmpty()) {
            request = HttpRequest.newBuilder(request, (name, value) -> true)
                .header("Cookie", providerCookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; "))).build();
        }
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (provider) {
                for (String header : response.headers().allValues("Set-Cookie")) {
                    // The name=value pair exactly as set (quotes included), as a browser sends it back.
                    String pair = header.split(";", 2)[0];
                    int equals = pair.indexOf('=');
                    String name = pair.substring(0, equals).trim();
                    String value = pair.substring(equals + 1).trim();
                    if (value.isEmpty() || header.contains("Max-Age=0")) {
                        providerCookies.remove(name);
                    } else {
                        providerCookies.put(name, value);
                    }
                }
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
