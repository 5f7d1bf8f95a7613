package io.gatehouse.infra;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.elasticloadbalancingv2.IApplicationLoadBalancer;
import software.amazon.awscdk.services.route53.ARecord;
import software.amazon.awscdk.services.route53.HealthCheck;
import software.amazon.awscdk.services.route53.HealthCheckType;
import software.amazon.awscdk.services.route53.IHostedZone;
import software.amazon.awscdk.services.route53.RecordTarget;
import software.amazon.awscdk.services.route53.targets.LoadBalancerTarget;
import software.constructs.Construct;

/**
 * One region's entry in the deployment beyond one region: a Route 53 health check of the region's
 * {@code /v1/health} over HTTPS, the latency record of the origin name for this region (answered
 * only while that check passes), and the region's own name for its load balancer.
 *
 * <p>{@code /v1/health} answers 503 when a critical store of the region (its database, Redis or
 * Kafka) is down, so Route 53 then sends the region's clients to the next-nearest healthy region.
 */
final class RegionalOrigin extends Construct {

    /** HTTPS. */
    static final int PORT = 443;

    /**
     * @param scope        the region's container stack
     * @param id           the construct's id
     * @param zone         the hosted zone of the names
     * @param loadBalancer the region's load balancer
     * @param global       the names
     * @param region       this region
     */
    RegionalOrigin(Construct scope, String id, IHostedZone zone, IApplicationLoadBalancer loadBalancer,
                   GlobalSettings global, String region) {
        super(scope, id);
        RecordTarget target = RecordTarget.fromAlias(new LoadBalancerTarget(loadBalancer));
        String regional = global.regionalDomain(region);
        ARecord.Builder.create(this, "RegionalRecord")
            .zone(zone)
            .recordName(regional)
            .target(target)
            .comment("Gatehouse in " + region + ": this region's load balancer")
            .build();
        // Route 53's checkers connect within 4 s, then need a 2xx or 3xx within 2 s; they do not validate the certificate.
        HealthCheck health = HealthCheck.Builder.create(this, "HealthCheck")
            .type(HealthCheckType.HTTPS)
            .fqdn(regional)
            .port(PORT)
            .resourcePath(GlobalSettings.HEALTH_PATH)
            .enableSni(true)
            .requestInterval(Duration.seconds(30))
            .failureThreshold(3)
            .build();
        ARecord.Builder.create(this, "LatencyRecord")
            .zone(zone)
            .recordName(global.originDomain())
            .target(target)
            .region(region)
            .setIdentifier(region)
            .healthCheck(health)
            .comment("Gatehouse in " + region + ", answered by latency while its /v1/health passes")
            .build();
        CfnOutput.Builder.create(this, "RegionalDomain").value(regional).build();
        CfnOutput.Builder.create(this, "HealthCheckId").value(health.getHealthCheckId()).build();
    }
}
