package io.gatehouse.infra;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both stacks synthesized from context flags, as {@code cdk synth} does, and their templates held
 * to what the gateway needs: the Lambda runtime, handler classes, architecture, memory, SnapStart,
 * the HTTP API's payload format 2.0 and the REST API with its custom domain and base path; the
 * ALB's idle timeout, health-check path and deregistration delay matching the drain, the task's
 * user and read-only root, autoscaling on CPU and requests; secrets as references (no plaintext
 * in either template) and IAM statements scoped to the one secret. One synthesis for the class:
 * the CDK runs its JavaScript through jsii, on Node.js.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StacksTest {

    private Template lambda;
    private Template container;
    private String lambdaJson;
    private String containerJson;

    @BeforeAll
    void synthesize() throws Exception {
        Map<String, Object> context = Synth.context();
        context.put("gatehouse:memory", "2048");
        context.put("gatehouse:restApi", "true");
        context.put("gatehouse:domainName", "api.example.com");
        context.put("gatehouse:certificateArn", "arn:aws:acm:eu-west-1:123456789012:certificate/abc");
        context.put("gatehouse:basePath", "gw");
        context.put("gatehouse:provisionedConcurrency", "2");
        context.put("gatehouse:reservedConcurrency", "50");
        context.put("gatehouse:databaseUrl", "jdbc:postgresql://db.internal:5432/gatehouse");
        context.put("gatehouse:kafkaBootstrap", "b-1.msk.internal:9092,b-2.msk.internal:9092");
        App app = Synth.app(context);
        lambda = Synth.template(app, GatehouseCdkApp.LAMBDA);
        container = Synth.template(app, GatehouseCdkApp.CONTAINER);
        lambdaJson = lambda.toJSON().toString();
        containerJson = container.toJSON().toString();
    }

    @Test
    void lambda_functionsOnJava25Arm64WithSnapStart() {
        for (String handler : List.of(LambdaSettings.HTTP_API_HANDLER, LambdaSettings.REST_API_HANDLER)) {
            lambda.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "java25",
                "Handler", handler,
                "Architectures", List.of("arm64"),
                "MemorySize", 2048,
                "ReservedConcurrentExecutions", 50,
                "SnapStart", Map.of("ApplyOn", "PublishedVersions")));
        }
        lambda.resourceCountIs("AWS::Lambda::Function", 3);
        lambda.hasResourceProperties("AWS::Lambda::Alias", Map.of(
            "Name", "live",
            "ProvisionedConcurrencyConfig", Map.of("ProvisionedConcurrentExecutions", 2)));
        lambda.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 30));
        lambda.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables",
            Match.objectLike(Map.of("DATASOURCES_DEFAULT_URL", "jdbc:postgresql://db.internal:5432/gatehouse",
                "GATEWAY_LAMBDA_BASE_PATHS", "/gw")))));
    }

    @Test
    void lambda_outboxRelayOnASchedule() {
        lambda.hasResourceProperties("AWS::Lambda::Function", Map.of(
            "Runtime", "java25",
            "Handler", LambdaSettings.RELAY_HANDLER,
            "Environment", Map.of("Variables", Match.objectLike(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "b-1.msk.internal:9092,b-2.msk.internal:9092",
                "DATASOURCES_DEFAULT_URL", "jdbc:postgresql://db.internal:5432/gatehouse")))));
        lambda.hasResourceProperties("AWS::Events::Rule", Map.of(
            "ScheduleExpression", "rate(1 minute)",
            "State", "ENABLED",
            "Targets", List.of(Match.objectLike(Map.of("RetryPolicy", Map.of("MaximumRetryAttempts", 0))))));
        lambda.hasResourceProperties("AWS::Lambda::Permission", Map.of(
            "Action", "lambda:InvokeFunction",
            "Principal", "events.amazonaws.com"));
    }

    @Test
    void lambda_httpApiPayload2AndRestApiWithDomain() {
        lambda.hasResourceProperties("AWS::ApiGatewayV2::Api", Map.of("ProtocolType", "HTTP"));
        lambda.hasResourceProperties("AWS::ApiGatewayV2::Integration", Map.of(
            "IntegrationType", "AWS_PROXY",
            "PayloadFormatVersion", "2.0"));
        lambda.resourceCountIs("AWS::ApiGateway::RestApi", 1);
        lambda.hasResourceProperties("AWS::ApiGateway::Method", Map.of(
            "HttpMethod", "ANY",
            "Integration", Match.objectLike(Map.of("Type", "AWS_PROXY"))));
        lambda.hasResourceProperties("AWS::ApiGateway::DomainName", Map.of(
            "DomainName", "api.example.com",
            "SecurityPolicy", "TLS_1_2"));
        lambda.hasResourceProperties("AWS::ApiGateway::BasePathMapping", Map.of("BasePath", "gw"));
    }

    @Test
    void lambda_secretsByReferenceAndLeastPrivilege() {
        assertTrue(lambdaJson.contains("{{resolve:secretsmanager:"), "dynamic references for the secrets");
        PlaintextSecrets.assertNone(lambda);
        lambda.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables",
            Match.objectLike(Map.of("GATEWAY_JWT_SECRET", Match.objectLike(Map.of("Fn::Join", Match.anyValue())))))));
        // The functions' roles carry AWS's basic execution policy and nothing else: no statement with a wildcard action.
        Map<String, Map<String, Object>> policies = lambda.findResources("AWS::IAM::Policy");
        for (Map<String, Object> policy : policies.values()) {
            assertFalse(policy.toString().contains("\"*\"") || policy.toString().contains("Action=*"), policy.toString());
        }
        Map<String, Map<String, Object>> roles = lambda.findResources("AWS::IAM::Role");
        assertFalse(roles.isEmpty());
        for (Map<String, Object> role : roles.values()) {
            String text = role.toString();
            assertTrue(text.contains("lambda.amazonaws.com"), text);
            assertTrue(text.contains("AWSLambdaBasicExecutionRole"), text);
            assertFalse(text.contains("AdministratorAccess") || text.contains("PowerUserAccess"), text);
        }
    }

    @Test
    void container_albFargateAndDrain() {
        container.hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", Map.of(
            "LoadBalancerAttributes", Match.arrayWith(List.of(Map.of("Key", "idle_timeout.timeout_seconds", "Value", "3600")))));
        container.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", Map.of(
            "HealthCheckPath", "/v1/health/ready",
            "Matcher", Map.of("HttpCode", "200"),
            "TargetGroupAttributes", Match.arrayWith(List.of(Map.of("Key", "deregistration_delay.timeout_seconds", "Value", "30")))));
        container.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of(
            "RequiresCompatibilities", List.of("FARGATE"),
            "ContainerDefinitions", List.of(Match.objectLike(Map.of(
                "Image", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/gatehouse:0.1.0",
                "User", "65532:65532",
                "ReadonlyRootFilesystem", true,
                "StopTimeout", 35,
                "PortMappings", List.of(Match.objectLike(Map.of("ContainerPort", 8080))),
                "MountPoints", List.of(Map.of("ContainerPath", "/tmp", "SourceVolume", "tmp", "ReadOnly", false)),
                "Environment", Match.arrayWith(List.of(Map.of("Name", "GATEWAY_SHUTDOWN_GRACE_PERIOD", "Value", "30s"))))))));
        container.hasResourceProperties("AWS::ECS::Service", Map.of(
            "LaunchType", "FARGATE",
            "DesiredCount", 2,
            "LoadBalancers", List.of(Match.objectLike(Map.of("ContainerPort", 8080))),
            "DeploymentConfiguration", Match.objectLike(Map.of("MinimumHealthyPercent", 100))));
        container.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", Map.of("MinCapacity", 2, "MaxCapacity", 10));
        container.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", Map.of(
            "TargetTrackingScalingPolicyConfiguration", Match.objectLike(Map.of(
                "PredefinedMetricSpecification", Map.of("PredefinedMetricType", "ECSServiceAverageCPUUtilization"),
                "TargetValue", 70))));
        container.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", Map.of(
            "TargetTrackingScalingPolicyConfiguration", Match.objectLike(Map.of(
                "PredefinedMetricSpecification", Match.objectLike(Map.of("PredefinedMetricType", "ALBRequestCountPerTarget")),
                "TargetValue", 6000))));
    }

    @Test
    void container_secretsInjectedByEcsAndReadOnlyByTheExecutionRole() {
        container.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of(
            "ContainerDefinitions", List.of(Match.objectLike(Map.of(
                "Secrets", Match.arrayWith(List.of(Match.objectLike(Map.of("Name", "GATEWAY_ADMIN_TOKEN")))))))));
        PlaintextSecrets.assertNone(container);
        assertFalse(containerJson.contains("{{resolve:"), "ECS injects the secrets: no value is resolved into the template");
        // Only the task's execution role may read the secret, and only that secret, with read actions.
        Map<String, Map<String, Object>> policies = container.findResources("AWS::IAM::Policy", Map.of("Properties",
            Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                "Action", List.of("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")))))))));
        assertEquals(1, policies.size(), policies.keySet().toString());
        String policy = policies.values().iterator().next().toString();
        assertTrue(policy.contains("TaskExecutionRole"), policy);
        assertTrue(policy.contains("secret:" + Synth.SECRET_NAME + "-??????"), "scoped to the one secret: " + policy);
        assertNotNull(container.findOutputs("LoadBalancer"));
    }
}
