package io.gatehouse.security.opa;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Internal;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Refuses to start with a {@code gateway.opa.url} the decision client could never post to (such as
 * {@code opa:8181}, which lacks {@code http://}), instead of failing every request of a route with
 * {@code authorization.opa} later. Eager ({@link Context}), and cheap: it parses one string.
 */
@Context
@Internal
final class OpaUrlCheck {

    OpaUrlCheck(OpaConfiguration configuration) {
        check(configuration.getUrl());
    }

    /**
     * @param url the configured base URL, or {@code null} when unset
     * @throws ConfigurationException naming the property when it is no absolute http(s) URL with a host
     */
    static void check(String url) {
        if (url == null) {
            return;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid(url, e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw invalid(url, "it must start with http:// or https://");
        }
        if (uri.getHost() == null) {
            throw invalid(url, "it names no host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(url, "it must have no query or fragment; the gateway appends /v1/data/<path>");
        }
    }

    private static ConfigurationException invalid(String url, String why) {
        return new ConfigurationException(OpaConfiguration.PREFIX + ".url (OPA_URL) '" + url
            + "' is not a decision service base URL such as http://127.0.0.1:8181: " + why);
    }
}
