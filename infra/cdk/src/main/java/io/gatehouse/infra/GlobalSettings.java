package io.gatehouse.infra;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The deployment beyond one region, typed: the container stack in each of {@code regions}, found
 * through Route 53 latency records with health checks, behind one CloudFront distribution
 * ({@link EdgeStack}). Every field has a context flag ({@link Flags}).
 *
 * <p>Names, for {@code domainName} {@code api.example.com}: clients use {@code api.example.com}
 * (CloudFront); CloudFront's origin is {@code origin.api.example.com} (one latency record per
 * region); each region's load balancer is also {@code <region>.origin.api.example.com} (its health
 * check's target, and the way to reach one region, such as its admin API).
 *
 * @param regions         the regions, at least two, each once
 * @param hostedZoneId    the Route 53 public hosted zone that holds {@code domainName}
 * @param hostedZoneName  that zone's name ({@code example.com})
 * @param domainName      the name clients use, in that zone
 * @param cacheablePaths  CloudFront path patterns ({@code /catalog/*}) whose GET and HEAD responses CloudFront
 *                        may cache, as the origin's {@code Cache-Control} says; in the order given (first match wins)
 * @param cacheKeyHeaders request headers in the cache key of those paths, beside {@code Host}; never a credential
 * @param apiKeyHeader    the header the gateway reads API keys from ({@code gateway.api-keys.header}), refused in
 *                        {@code cacheKeyHeaders}
 */
public record GlobalSettings(List<String> regions, String hostedZoneId, String hostedZoneName, String domainName,
                             List<String> cacheablePaths, List<String> cacheKeyHeaders, String apiKeyHeader) {

    /** CloudFront's certificates and the stack that holds the distribution live here. */
    public static final String EDGE_REGION = "us-east-1";

    /** The gateway's report of itself and its critical stores: 503 when one is down (docs/api.md). */
    public static final String HEALTH_PATH = "/v1/health";

    /** The cache key's headers when {@code gatehouse:cacheKeyHeaders} is not set. */
    public static final List<String> DEFAULT_CACHE_KEY_HEADERS = List.of("Origin");

    /** The gateway's default API key header ({@code gateway.api-keys.header}). */
    public static final String DEFAULT_API_KEY_HEADER = "X-API-Key";

    /** Headers that carry credentials whatever the gateway's configuration. */
    static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie");

    /**
     * Path prefixes the gateway answers itself, with credentials or with answers that must never
     * be cached (health): a cacheable pattern may not reach them (docs/api.md).
     */
    static final List<String> GATEWAY_PATHS = List.of("/v1/", "/admin", "/oauth/", "/sso/", "/session/", "/feedback",
        "/dashboard", "/health", "/metrics");

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\\d");
    private static final Pattern ZONE_ID = Pattern.compile("Z[A-Z0-9]{1,31}");
    private static final Pattern DOMAIN = Pattern.compile("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9_\\-.*$/~\"'@:+&?]*");
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    /** Checks what can be checked before synthesis. */
    public GlobalSettings {
        regions = List.copyOf(regions);
        cacheablePaths = List.copyOf(cacheablePaths);
        cacheKeyHeaders = List.copyOf(cacheKeyHeaders);
        if (regions.size() < 2) {
            throw new IllegalArgumentException("gatehouse:regions must name at least two regions, not " + regions);
        }
        for (String region : regions) {
            if (!REGION.matcher(region).matches()) {
                throw new IllegalArgumentException("gatehouse:regions: '" + region + "' is not a region name such as eu-west-1");
            }
        }
        if (hostedZoneId == null || !ZONE_ID.matcher(hostedZoneId).matches()) {
            throw new IllegalArgumentException("gatehouse:hostedZoneId must be a Route 53 hosted zone id (Z...), not " + hostedZoneId);
        }
        if (hostedZoneName == null || !DOMAIN.matcher(hostedZoneName).matches()) {
            throw new IllegalArgumentException("gatehouse:hostedZoneName must be a domain name such as example.com, not " + hostedZoneName);
        }
        if (domainName == null || !DOMAIN.matcher(domainName).matches()
            || !(domainName.equals(hostedZoneName) || domainName.endsWith("." + hostedZoneName))) {
            throw new IllegalArgumentException("gatehouse:globalDomain must be a domain name in gatehouse:hostedZoneName ("
                + hostedZoneName + "), not " + domainName);
        }
        if (apiKeyHeader == null || !HEADER.matcher(apiKeyHeader).matches()) {
            throw new IllegalArgumentException("gatehouse:apiKeyHeader must be a header name, not " + apiKeyHeader);
        }
        for (String path : cacheablePaths) {
            checkPath(path);
        }
        Set<String> seen = new HashSet<>(List.of("host"));
        for (String header : cacheKeyHeaders) {
            checkHeader(header, apiKeyHeader, seen);
        }
        if (cacheKeyHeaders.size() + 1 > 10) {
            throw new IllegalArgumentException("gatehouse:cacheKeyHeaders: CloudFront keys on at most 10 headers, Host included");
        }
    }

    /** @return the name CloudFront's origin resolves: one latency record per region */
    public String originDomain() {
        return "origin." + domainName;
    }

    /**
     * @param region a region
     * @return the name of that region's load balancer
     */
    public String regionalDomain(String region) {
        return region + "." + originDomain();
    }

    private static void checkPath(String path) {
        if (!PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("gatehouse:cacheablePaths: '" + path
                + "' is not a CloudFront path pattern (it starts with /, such as /catalog/*)");
        }
        int wildcard = path.replace('?', '*').indexOf('*');
        String literal = wildcard < 0 ? path : path.substring(0, wildcard);
        for (String owned : GATEWAY_PATHS) {
            if (literal.startsWith(owned) || (wildcard >= 0 && owned.startsWith(literal))) {
                throw new IllegalArgumentException("gatehouse:cacheablePaths: '" + path + "' reaches the gateway's own "
                    + owned + " (credentials would be dropped there, or health cached): name the routes to cache instead");
            }
        }
    }

    private static void checkHeader(String header, String apiKeyHeader, Set<String> seen) {
        String name = header.toLowerCase(Locale.ROOT);
        if (!HEADER.matcher(header).matches()) {
            throw new IllegalArgumentException("gatehouse:cacheKeyHeaders: '" + header + "' is not a header name");
        }
        if (CREDENTIAL_HEADERS.contains(name) || name.equals(apiKeyHeader.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("gatehouse:cacheKeyHeaders: '" + header
                + "' carries credentials: a cacheable path never sees them");
        }
        if (!seen.add(name)) {
            throw new IllegalArgumentException("gatehouse:cacheKeyHeaders: '" + header + "' is named twice (Host is always in the key)");
        }
    }
}
