package io.gatehouse.infra;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.certificatemanager.CertificateValidation;
import software.amazon.awscdk.services.cloudfront.AllowedMethods;
import software.amazon.awscdk.services.cloudfront.BehaviorOptions;
import software.amazon.awscdk.services.cloudfront.CacheCookieBehavior;
import software.amazon.awscdk.services.cloudfront.CacheHeaderBehavior;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.CacheQueryStringBehavior;
import software.amazon.awscdk.services.cloudfront.CachedMethods;
import software.amazon.awscdk.services.cloudfront.Distribution;
import software.amazon.awscdk.services.cloudfront.ErrorResponse;
import software.amazon.awscdk.services.cloudfront.HttpVersion;
import software.amazon.awscdk.services.cloudfront.OriginProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.OriginRequestPolicy;
import software.amazon.awscdk.services.cloudfront.OriginSslPolicy;
import software.amazon.awscdk.services.cloudfront.SecurityPolicyProtocol;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.HttpOrigin;
import software.amazon.awscdk.services.route53.AaaaRecord;
import software.amazon.awscdk.services.route53.ARecord;
import software.amazon.awscdk.services.route53.HostedZone;
import software.amazon.awscdk.services.route53.HostedZoneAttributes;
import software.amazon.awscdk.services.route53.IHostedZone;
import software.amazon.awscdk.services.route53.RecordTarget;
import software.amazon.awscdk.services.route53.targets.CloudFrontTarget;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudFront in front of every region ({@link GlobalSettings}), in {@value GlobalSettings#EDGE_REGION}
 * where CloudFront's certificates live. Its one origin is the latency-routed origin name, so each
 * edge location reaches the nearest healthy region.
 *
 * <p>Nothing is cached unless a path is named cacheable: the default behaviour uses the managed
 * {@code CachingDisabled} policy with {@code AllViewer}, so every request, credentials and cookies
 * included, reaches the gateway as the client sent it. A cacheable path
 * ({@code gatehouse:cacheablePaths}) takes GET and HEAD only (CloudFront refuses other methods there
 * with 403) and caches them by a key of the path, the query, {@code Host} and the configured headers.
 * That key holds no credential, and nothing outside it is forwarded: no {@code Authorization}
 * (CloudFront drops it from GET and HEAD when it is not in the key), no cookie (the session cookie
 * included), no API key header. So the gateway answers every request on a cacheable path as an
 * anonymous one, and a response to a credentialed request can never enter the cache. How long a response is kept is the gateway's
 * {@code Cache-Control} ({@code s-maxage}, {@code max-age}); without one it is not kept (default TTL
 * 0), and {@code no-store}, {@code no-cache} and {@code private} are honoured (minimum TTL 0).
 */
public final class EdgeStack extends Stack {

    /** The longest CloudFront keeps a response, whatever its {@code Cache-Control} asks. */
    public static final Duration MAX_TTL = Duration.days(1);

    /** How long CloudFront waits for the origin's response, and between its packets (its most without a quota increase). */
    public static final Duration ORIGIN_READ_TIMEOUT = Duration.seconds(60);

    private final Distribution distribution;

    /**
     * @param scope  the app
     * @param id     the stack's name
     * @param props  the stack's environment ({@value GlobalSettings#EDGE_REGION})
     * @param global the names and the cacheable paths
     */
    public EdgeStack(Construct scope, String id, StackProps props, GlobalSettings global) {
        super(scope, id, props);
        if (!GlobalSettings.EDGE_REGION.equals(getRegion())) {
            throw new IllegalArgumentException(id + " must be in " + GlobalSettings.EDGE_REGION + ", where CloudFront's certificates are");
        }
        IHostedZone zone = HostedZone.fromHostedZoneAttributes(this, "Zone", HostedZoneAttributes.builder()
            .hostedZoneId(global.hostedZoneId())
            .zoneName(global.hostedZoneName())
            .build());
        Certificate certificate = Certificate.Builder.create(this, "Certificate")
            .domainName(global.domainName())
            .validation(CertificateValidation.fromDns(zone))
            .build();
        HttpOrigin origin = HttpOrigin.Builder.create(global.originDomain())
            .protocolPolicy(OriginProtocolPolicy.HTTPS_ONLY)
            .originSslProtocols(List.of(OriginSslPolicy.TLS_V1_2))
            .readTimeout(ORIGIN_READ_TIMEOUT)
            .build();

        Map<String, BehaviorOptions> cacheable = new LinkedHashMap<>();
        if (!global.cacheablePaths().isEmpty()) {
            List<String> key = new ArrayList<>(List.of("Host"));
            key.addAll(global.cacheKeyHeaders());
            CachePolicy policy = CachePolicy.Builder.create(this, "CacheablePolicy")
                .comment("Gatehouse cacheable paths: the origin's Cache-Control decides; no credential in the key or forwarded")
                .minTtl(Duration.seconds(0))
                .defaultTtl(Duration.seconds(0))
                .maxTtl(MAX_TTL)
                .headerBehavior(CacheHeaderBehavior.allowList(key.toArray(String[]::new)))
                .cookieBehavior(CacheCookieBehavior.none())
                .queryStringBehavior(CacheQueryStringBehavior.all())
                .enableAcceptEncodingGzip(true)
                .enableAcceptEncodingBrotli(true)
                .build();
            BehaviorOptions cached = BehaviorOptions.builder()
                .origin(origin)
                .cachePolicy(policy)
                .allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
                .cachedMethods(CachedMethods.CACHE_GET_HEAD)
                .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
                .compress(true)
                .build();
            global.cacheablePaths().forEach(path -> cacheable.put(path, cached));
        }
        distribution = Distribution.Builder.create(this, "Distribution")
            .comment("Gatehouse " + global.domainName())
            .defaultBehavior(BehaviorOptions.builder()
                .origin(origin)
                .cachePolicy(CachePolicy.CACHING_DISABLED)
                .originRequestPolicy(OriginRequestPolicy.ALL_VIEWER)
                .allowedMethods(AllowedMethods.ALLOW_ALL)
                .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
                // Responses pass as the gateway sends them: event streams are never held back for compression.
                .compress(false)
                .build())
            .additionalBehaviors(cacheable)
            .domainNames(List.of(global.domainName()))
            .certificate(certificate)
            .minimumProtocolVersion(SecurityPolicyProtocol.TLS_V1_2_2021)
            .httpVersion(HttpVersion.HTTP2_AND_3)
            // The origin's errors are not kept either (CloudFront would keep some for 10 s).
            .errorResponses(List.of(500, 502, 503, 504).stream()
                .map(status -> ErrorResponse.builder().httpStatus(status).ttl(Duration.seconds(0)).build())
                .toList())
            .build();
        RecordTarget target = RecordTarget.fromAlias(new CloudFrontTarget(distribution));
        ARecord.Builder.create(this, "Record").zone(zone).recordName(global.domainName()).target(target).build();
        AaaaRecord.Builder.create(this, "RecordIpv6").zone(zone).recordName(global.domainName()).target(target).build();
        CfnOutput.Builder.create(this, "DistributionDomain").value(distribution.getDistributionDomainName()).build();
    }

    /**
     * @return the distribution
     */
    public Distribution distribution() {
        return distribution;
    }
}
