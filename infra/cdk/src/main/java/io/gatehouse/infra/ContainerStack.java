package io.gatehouse.infra;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.certificatemanager.CertificateValidation;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SecurityGroupImportOptions;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.CpuUtilizationScalingProps;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.MountPoint;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.RequestCountScalingProps;
import software.amazon.awscdk.services.ecs.ScalableTaskCount;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.ecs.Volume;
import software.amazon.awscdk.services.ecs.patterns.ApplicationLoadBalancedFargateService;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.SslPolicy;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.route53.HostedZone;
import software.amazon.awscdk.services.route53.HostedZoneAttributes;
import software.amazon.awscdk.services.route53.IHostedZone;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gatehouse's streaming gateway on ECS Fargate: the OCI image of {@code bin/gatehouse image}
 * behind an Application Load Balancer whose idle timeout suits WebSockets and event streams, whose
 * health check is {@code /v1/health/ready}, and whose deregistration delay is the gateway's drain
 * grace period (ECS deregisters a task, waits that long, then sends SIGTERM and kills after the
 * stop timeout). Tasks run as the image's user with a read-only root and {@code /tmp} writable;
 * secrets are injected by ECS from Secrets Manager (the template names the secret, never a value).
 * Autoscaling on CPU and on requests per target.
 *
 * <p>As a region of a deployment beyond one region ({@link GlobalSettings}), the load balancer
 * listens on HTTPS only, with a certificate for the origin, public and regional names, and the
 * region joins the latency records ({@link RegionalOrigin}).
 */
public final class ContainerStack extends Stack {

    private final ApplicationLoadBalancedFargateService service;

    /**
     * @param scope    the app
     * @param id       the stack's name
     * @param props    the stack's environment and description
     * @param settings what to deploy
     * @param stores   the stores the tasks reach, and the network to run in
     * @param global   the deployment beyond one region this stack is a region of, or {@code null} for one region
     */
    public ContainerStack(Construct scope, String id, StackProps props, ContainerSettings settings, Stores stores,
                          GlobalSettings global) {
        super(scope, id, props);
        IVpc vpc = stores.vpc() != null ? stores.vpc() : Network.vpc(this);
        Cluster cluster = Cluster.Builder.create(this, "Cluster").vpc(vpc).containerInsights(true).build();

        FargateTaskDefinition task = FargateTaskDefinition.Builder.create(this, "Task")
            .cpu(settings.cpu())
            .memoryLimitMiB(settings.memoryMiB())
            .build();
        task.addVolume(Volume.builder().name("tmp").build());

        Map<String, String> environment = new HashMap<>(stores.environment());
        environment.put("GATEWAY_SHUTDOWN_GRACE_PERIOD", settings.gracePeriodSeconds() + "s");
        ISecret gatewaySecret = settings.secretName() == null ? null
            : software.amazon.awscdk.services.secretsmanager.Secret.fromSecretNameV2(this, "Secrets", settings.secretName());
        Map<String, Secret> secrets = new HashMap<>();
        stores.secretsWith(gatewaySecret).forEach((variable, field) ->
            secrets.put(variable, Secret.fromSecretsManager(field.secret(), field.field())));
        ContainerImage image = settings.image() != null
            ? ContainerImage.fromRegistry(settings.image())
            : ContainerImage.fromTarball(settings.imageTar());
        var container = task.addContainer("Gatehouse", ContainerDefinitionOptions.builder()
            .image(image)
            .user(ContainerSettings.USER)
            .readonlyRootFilesystem(true)
            .portMappings(List.of(PortMapping.builder().containerPort(ContainerSettings.PORT).name("http").build()))
            .environment(environment)
            .secrets(secrets)
            .stopTimeout(Duration.seconds(settings.gracePeriodSeconds() + 5))
            .logging(LogDriver.awsLogs(AwsLogDriverProps.builder()
                .streamPrefix("gatehouse")
                .logRetention(RetentionDays.ONE_MONTH)
                .build()))
            .build());
        container.addMountPoints(MountPoint.builder().containerPath("/tmp").sourceVolume("tmp").readOnly(false).build());

        ApplicationLoadBalancedFargateService.Builder builder = ApplicationLoadBalancedFargateService.Builder.create(this, "Service")
            .cluster(cluster)
            .taskDefinition(task)
            .desiredCount(settings.desiredCount())
            .publicLoadBalancer(true)
            .idleTimeout(Duration.seconds(settings.idleTimeoutSeconds()))
            .minHealthyPercent(100)
            .maxHealthyPercent(200)
            .circuitBreaker(software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker.builder().rollback(true).build());
        if (stores.securityGroup() != null) {
            // Imported here, so that the load balancer's rule into the group is this stack's resource: in the data
            // stack it would make that stack depend on this one, and this one depends on it.
            builder.securityGroups(List.of(SecurityGroup.fromSecurityGroupId(this, "GatewaySecurityGroup",
                stores.securityGroup().getSecurityGroupId(),
                SecurityGroupImportOptions.builder().mutable(true).allowAllOutbound(true).build())));
        }
        IHostedZone zone = null;
        if (global != null) {
            if (Token.isUnresolved(getRegion())) {
                throw new IllegalArgumentException(id + ": a regional stack needs its region");
            }
            zone = HostedZone.fromHostedZoneAttributes(this, "Zone", HostedZoneAttributes.builder()
                .hostedZoneId(global.hostedZoneId())
                .zoneName(global.hostedZoneName())
                .build());
            // CloudFront forwards the client's Host: the certificate names the public name too.
            Certificate certificate = Certificate.Builder.create(this, "Certificate")
                .domainName(global.originDomain())
                .subjectAlternativeNames(List.of(global.domainName(), global.regionalDomain(getRegion())))
                .validation(CertificateValidation.fromDns(zone))
                .build();
            builder.protocol(ApplicationProtocol.HTTPS)
                .certificate(certificate)
                .sslPolicy(SslPolicy.RECOMMENDED_TLS)
                .redirectHttp(false);
        }
        service = builder.build();
        service.getTargetGroup().configureHealthCheck(HealthCheck.builder()
            .path("/v1/health/ready")
            .healthyHttpCodes("200")
            .interval(Duration.seconds(10))
            .timeout(Duration.seconds(5))
            .healthyThresholdCount(2)
            .unhealthyThresholdCount(2)
            .build());
        service.getTargetGroup().setAttribute("deregistration_delay.timeout_seconds",
            String.valueOf(settings.gracePeriodSeconds()));

        ScalableTaskCount scaling = service.getService().autoScaleTaskCount(
            software.amazon.awscdk.services.applicationautoscaling.EnableScalingProps.builder()
                .minCapacity(settings.desiredCount())
                .maxCapacity(settings.maxCount())
                .build());
        scaling.scaleOnCpuUtilization("Cpu", CpuUtilizationScalingProps.builder()
            .targetUtilizationPercent(70)
            .scaleOutCooldown(Duration.seconds(30))
            .scaleInCooldown(Duration.seconds(300))
            .build());
        scaling.scaleOnRequestCount("Requests", RequestCountScalingProps.builder()
            .requestsPerTarget(settings.requestsPerTarget())
            .targetGroup(service.getTargetGroup())
            .scaleOutCooldown(Duration.seconds(30))
            .scaleInCooldown(Duration.seconds(300))
            .build());
        CfnOutput.Builder.create(this, "LoadBalancer").value(service.getLoadBalancer().getLoadBalancerDnsName()).build();
        if (global != null) {
            new RegionalOrigin(this, "Origin", zone, service.getLoadBalancer(), global, getRegion());
        }
    }

    /**
     * @return the load-balanced service
     */
    public ApplicationLoadBalancedFargateService service() {
        return service;
    }
}
