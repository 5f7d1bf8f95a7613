package io.gatehouse.infra;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The deployment beyond one region, synthesized from {@code gatehouse:regions} as {@code cdk synth}
 * does: a container stack and a data stack per region, each region in Route 53 under the origin name
 * by a latency record with its {@code Region} and a health check of {@code /v1/health}; CloudFront in
 * front, caching nothing by default and, on the cacheable paths, only what the origin's
 * {@code Cache-Control} allows, by a key without credentials and with no credential forwarded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiRegionTest {

    private static final List<String> REGIONS = List.of("eu-west-1", "us-east-1");
    private static final String ZONE_ID = "Z0123456789ABCDEFGHIJ";
    /** CloudFront's managed policies, by their documented ids. */
    private static final String CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
    private static final String ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3";

    private App app;
    private Template edge;

    @BeforeAll
    void synthesize() throws Exception {
        Map<String, Object> context = Synth.context();
        context.put("gatehouse:regions", String.join(",", REGIONS));
        context.put("gatehouse:hostedZoneId", ZONE_ID);
        context.put("gatehouse:hostedZoneName", "example.com");
        context.put("gatehouse:globalDomain", "api.example.com");
        context.put("gatehouse:cacheablePaths", "/catalog/*,/static/*");
        context.put("gatehouse:cacheKeyHeaders", "Origin,Accept-Language");
        context.put("gatehouse:createData", "postgres,kafka");
        app = Synth.app(context);
        edge = Synth.template(app, GatehouseCdkApp.EDGE);
    }

    private Template container(String region) {
        return Synth.template(app, GatehouseCdkApp.CONTAINER + "-" + region);
    }

    @Test
    void regions_aContainerAndADataStackInEach() {
        for (String region : REGIONS) {
            assertEquals(region, ((Stack) app.getNode().findChild(GatehouseCdkApp.CONTAINER + "-" + region)).getRegion());
            assertEquals(region, ((Stack) app.getNode().findChild(GatehouseCdkApp.DATA + "-" + region)).getRegion());
            Template data = Synth.template(app, GatehouseCdkApp.DATA + "-" + region);
            data.resourceCountIs("AWS::RDS::DBCluster", 1);
            data.resourceCountIs("AWS::MSK::Cluster", 1);
        }
        assertEquals(GlobalSettings.EDGE_REGION, ((Stack) app.getNode().findChild(GatehouseCdkApp.EDGE)).getRegion());
        assertNull(app.getNode().tryFindChild(GatehouseCdkApp.LAMBDA));
        assertNull(app.getNode().tryFindChild(GatehouseCdkApp.CONTAINER));
    }

    @Test
    void regions_latencyRecordWithRegionAndHealthCheckInEach() {
        for (String region : REGIONS) {
            Template template = container(region);
            template.hasResourceProperties("AWS::Route53::HealthCheck", Map.of("HealthCheckConfig", Map.of(
                "Type", "HTTPS",
                "FullyQualifiedDomainName", region + ".origin.api.example.com",
                "Port", 443,
                "ResourcePath", "/v1/health",
                "EnableSNI", true,
                "RequestInterval", 30,
                "FailureThreshold", 3)));
            String check = template.findResources("AWS::Route53::HealthCheck").keySet().iterator().next();
            template.hasResourceProperties("AWS::Route53::RecordSet", Map.of(
                "Name", "origin.api.example.com.",
                "Type", "A",
                "HostedZoneId", ZONE_ID,
                "Region", region,
                "SetIdentifier", region,
                "HealthCheckId", Map.of("Ref", check),
                "AliasTarget", Match.objectLike(Map.of("DNSName", Match.anyValue()))));
            // The region's own name, which the health check resolves: a plain record, not in the latency set.
            template.hasResourceProperties("AWS::Route53::RecordSet", Map.of(
                "Name", region + ".origin.api.example.com.",
                "Type", "A",
                "Region", Match.absent(),
                "HealthCheckId", Match.absent()));
            template.resourceCountIs("AWS::Route53::RecordSet", 2);
        }
    }

    @Test
    void regions_httpsOnlyWithACertificateForEveryName() {
        for (String region : REGIONS) {
            Template template = container(region);
            template.hasResourceProperties("AWS::CertificateManager::Certificate", Map.of(
                "DomainName", "origin.api.example.com",
                "SubjectAlternativeNames", List.of("api.example.com", region + ".origin.api.example.com"),
                "ValidationMethod", "DNS"));
            template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", Map.of(
                "Protocol", "HTTPS",
                "Port", 443,
                "Certificates", List.of(Map.of("CertificateArn", Match.anyValue()))));
            template.resourceCountIs("AWS::ElasticLoadBalancingV2::Listener", 1);
            // The health check the ALB uses for its targets stays the readiness probe.
            template.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", Map.of("HealthCheckPath", "/v1/health/ready"));
        }
    }

    @Test
    void edge_defaultBehaviourCachesNothingAndForwardsEverything() {
        edge.hasResourceProperties("AWS::CloudFront::Distribution", Map.of("DistributionConfig", Match.objectLike(Map.of(
            "Aliases", List.of("api.example.com"),
            "HttpVersion", "http2and3",
            "ViewerCertificate", Match.objectLike(Map.of("MinimumProtocolVersion", "TLSv1.2_2021", "SslSupportMethod", "sni-only")),
            "DefaultCacheBehavior", Match.objectLike(Map.of(
                "CachePolicyId", CACHING_DISABLED,
                "OriginRequestPolicyId", ALL_VIEWER,
                "AllowedMethods", List.of("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"),
                "ViewerProtocolPolicy", "https-only")),
            "Origins", List.of(Match.objectLike(Map.of(
                "DomainName", "origin.api.example.com",
                "CustomOriginConfig", Match.objectLike(Map.of(
                    "OriginProtocolPolicy", "https-only",
                    "OriginSSLProtocols", List.of("TLSv1.2"),
                    "OriginReadTimeout", 60)))))))));
        edge.hasResourceProperties("AWS::CertificateManager::Certificate", Map.of(
            "DomainName", "api.example.com", "ValidationMethod", "DNS"));
        for (String type : List.of("A", "AAAA")) {
            edge.hasResourceProperties("AWS::Route53::RecordSet", Map.of(
                "Name", "api.example.com.", "Type", type, "HostedZoneId", ZONE_ID,
                "AliasTarget", Match.objectLike(Map.of("DNSName", Map.of("Fn::GetAtt", List.of(distribution(), "DomainName"))))));
        }
    }

    @Test
    void edge_cacheablePathsKeepWhatCacheControlSaysAndNeverSeeCredentials() {
        edge.hasResourceProperties("AWS::CloudFront::CachePolicy", Map.of("CachePolicyConfig", Match.objectLike(Map.of(
            "MinTTL", 0,
            "DefaultTTL", 0,
            "MaxTTL", 86400,
            "ParametersInCacheKeyAndForwardedToOrigin", Map.of(
                "HeadersConfig", Map.of("HeaderBehavior", "whitelist", "Headers", List.of("Host", "Origin", "Accept-Language")),
                "CookiesConfig", Map.of("CookieBehavior", "none"),
                "QueryStringsConfig", Map.of("QueryStringBehavior", "all"),
                "EnableAcceptEncodingGzip", true,
                "EnableAcceptEncodingBrotli", true)))));
        String policy = edge.findResources("AWS::CloudFront::CachePolicy").keySet().iterator().next();
        Map<String, Object> cached = Map.of(
            "CachePolicyId", Map.of("Ref", policy),
            "AllowedMethods", List.of("GET", "HEAD"),
            "CachedMethods", List.of("GET", "HEAD"),
            "ViewerProtocolPolicy", "https-only",
            "OriginRequestPolicyId", Match.absent());
        edge.hasResourceProperties("AWS::CloudFront::Distribution", Map.of("DistributionConfig", Match.objectLike(Map.of(
            "CacheBehaviors", List.of(
                Match.objectLike(merge(cached, Map.of("PathPattern", "/catalog/*"))),
                Match.objectLike(merge(cached, Map.of("PathPattern", "/static/*"))))))));
        // Nothing outside the cache key reaches the origin on those paths, and nothing in it is a credential.
        edge.resourceCountIs("AWS::CloudFront::OriginRequestPolicy", 0);
        for (String header : cacheKeyHeaders()) {
            assertFalse(List.of("authorization", "proxy-authorization", "cookie", "x-api-key").contains(header.toLowerCase(Locale.ROOT)),
                header + " is a credential in the cache key");
        }
        assertFalse(edge.toJSON().toString().contains("gatehouse_session"), "no cookie is named anywhere");
    }

    @SuppressWarnings("unchecked")
    private List<String> cacheKeyHeaders() {
        Map<String, Object> policy = edge.findResources("AWS::CloudFront::CachePolicy").values().iterator().next();
        Map<String, Object> config = (Map<String, Object>) ((Map<String, Object>) policy.get("Properties")).get("CachePolicyConfig");
        Map<String, Object> key = (Map<String, Object>) config.get("ParametersInCacheKeyAndForwardedToOrigin");
        return (List<String>) ((Map<String, Object>) key.get("HeadersConfig")).get("Headers");
    }

    @Test
    void edge_errorsOfTheOriginAreNotKept() {
        edge.hasResourceProperties("AWS::CloudFront::Distribution", Map.of("DistributionConfig", Match.objectLike(Map.of(
            "CustomErrorResponses", List.of(
                Map.of("ErrorCode", 500, "ErrorCachingMinTTL", 0),
                Map.of("ErrorCode", 502, "ErrorCachingMinTTL", 0),
                Map.of("ErrorCode", 503, "ErrorCachingMinTTL", 0),
                Map.of("ErrorCode", 504, "ErrorCachingMinTTL", 0))))));
    }

    @Test
    void noTemplate_holdsACredentialInClear() {
        PlaintextSecrets.assertNone(edge);
        for (String region : REGIONS) {
            PlaintextSecrets.assertNone(container(region));
            PlaintextSecrets.assertNone(Synth.template(app, GatehouseCdkApp.DATA + "-" + region));
        }
    }

    private String distribution() {
        return edge.findResources("AWS::CloudFront::Distribution").keySet().iterator().next();
    }

    private static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> merged = new java.util.HashMap<>(a);
        merged.putAll(b);
        return merged;
    }
}
