package io.gatehouse.infra;

import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.SecretValue;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigateway.BasePathMapping;
import software.amazon.awscdk.services.apigateway.DomainName;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.apigateway.LambdaRestApi;
import software.amazon.awscdk.services.apigateway.SecurityPolicy;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.PayloadFormatVersion;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gatehouse's stateless REST routes on AWS Lambda: the {@code app-lambda} jar on the
 * {@code java25} runtime behind an HTTP API (payload format 2.0, {@code HttpApiHandler}) and, with
 * {@link LambdaSettings#restApi()}, a REST API (payload format 1.0, {@code RestApiHandler}) with an
 * optional custom domain and base path; with Kafka, the session outbox relay ({@code OutboxRelayHandler})
 * on an EventBridge schedule. Each function is called through its {@code live} alias,
 * on which SnapStart and provisioned concurrency apply. Secrets come from Secrets Manager as
 * dynamic references, resolved by CloudFormation at deploy time: the template holds none. With
 * stores created by {@link DataStack}, the functions run in its VPC, in the gateway's security group.
 */
public final class LambdaStack extends Stack {

    private final Function httpFunction;

    /**
     * @param scope    the app
     * @param id       the stack's name
     * @param props    the stack's environment and description
     * @param settings what to deploy
     * @param stores   the stores the functions reach, and the network to run in
     */
    public LambdaStack(Construct scope, String id, StackProps props, LambdaSettings settings, Stores stores) {
        super(scope, id, props);
        boolean kafka = stores.environment().containsKey(Stores.KAFKA_BOOTSTRAP);
        if (kafka && !stores.environment().containsKey(Stores.DATABASE_URL)) {
            throw new IllegalArgumentException("Kafka on Lambda (gatehouse:kafkaBootstrap, or kafka in gatehouse:createData) needs "
                + "PostgreSQL (gatehouse:databaseUrl, or postgres in gatehouse:createData): the outbox is in the database");
        }
        ISecret secret = settings.secretName() == null ? null
            : Secret.fromSecretNameV2(this, "Secrets", settings.secretName());
        LayerVersion routes = null;
        if (settings.routeFile() != null) {
            Path file = Path.of(settings.routeFile());
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("gatehouse:routeFile: no file at " + file.toAbsolutePath());
            }
            routes = LayerVersion.Builder.create(this, "Routes")
                .description("Gatehouse route file, at /opt/" + file.getFileName())
                .code(Code.fromAsset(file.toAbsolutePath().getParent().toString(),
                    software.amazon.awscdk.services.s3.assets.AssetOptions.builder()
                        .exclude(List.of("*", "!" + file.getFileName())).build()))
                .build();
        }
        httpFunction = function("Http", LambdaSettings.HTTP_API_HANDLER, settings, stores, secret, routes, null);
        Alias httpAlias = alias("Http", httpFunction, settings);
        HttpApi http = HttpApi.Builder.create(this, "HttpApi")
            .description("Gatehouse (payload format 2.0)")
            .defaultIntegration(HttpLambdaIntegration.Builder.create("Gatehouse", httpAlias)
                .payloadFormatVersion(PayloadFormatVersion.VERSION_2_0)
                .build())
            .build();
        CfnOutput.Builder.create(this, "HttpApiUrl").value(http.getApiEndpoint()).build();

        if (kafka) {
            // The outbox relay: what a function committed but could not publish right after the commit.
            Function relay = function("Relay", LambdaSettings.RELAY_HANDLER, settings, stores, secret, routes, null);
            Rule.Builder.create(this, "RelaySchedule")
                .description("Gatehouse: publish the session outbox to Kafka")
                .schedule(Schedule.rate(Duration.minutes(settings.relayMinutes())))
                .targets(List.of(LambdaFunction.Builder.create(relay).retryAttempts(0).build()))
                .build();
        }

        if (settings.restApi()) {
            Function restFunction = function("Rest", LambdaSettings.REST_API_HANDLER, settings, stores, secret, routes,
                settings.basePath());
            Alias restAlias = alias("Rest", restFunction, settings);
            LambdaRestApi rest = LambdaRestApi.Builder.create(this, "RestApi")
                .description("Gatehouse (payload format 1.0)")
                .handler(restAlias)
                .proxy(true)
                // No account-wide role for API Gateway's own logging: the stack creates only the functions' roles.
                .cloudWatchRole(false)
                .endpointTypes(List.of(EndpointType.REGIONAL))
                .build();
            CfnOutput.Builder.create(this, "RestApiUrl").value(rest.getUrl()).build();
            if (settings.domainName() != null) {
                DomainName domain = DomainName.Builder.create(this, "Domain")
                    .domainName(settings.domainName())
                    .certificate(Certificate.fromCertificateArn(this, "Certificate", settings.certificateArn()))
                    .endpointType(EndpointType.REGIONAL)
                    .securityPolicy(SecurityPolicy.TLS_1_2)
                    .build();
                BasePathMapping.Builder.create(this, "BasePath")
                    .domainName(domain)
                    .restApi(rest)
                    .basePath(settings.basePath())
                    .build();
                CfnOutput.Builder.create(this, "RestApiDomainTarget").value(domain.getDomainNameAliasDomainName()).build();
            }
        }
    }

    /**
     * @return the HTTP API's function
     */
    public Function httpFunction() {
        return httpFunction;
    }

    private Function function(String name, String handler, LambdaSettings settings, Stores stores, ISecret secret,
                              LayerVersion routes, String basePath) {
        Map<String, String> environment = new HashMap<>(stores.environment());
        if (routes != null) {
            environment.put("GATEHOUSE_CONFIG", "/opt/" + Path.of(settings.routeFile()).getFileName());
        }
        if (basePath != null) {
            environment.put("GATEWAY_LAMBDA_BASE_PATHS", "/" + basePath);
        }
        stores.secretsWith(secret).forEach((variable, field) -> environment.put(variable, reference(field)));
        LogGroup logs = LogGroup.Builder.create(this, name + "Logs")
            .retention(retention(settings.logRetentionDays()))
            .build();
        Function.Builder builder = Function.Builder.create(this, name + "Function")
            .description("Gatehouse, " + handler)
            .runtime(Runtime.JAVA_25)
            .architecture(settings.arm64() ? Architecture.ARM_64 : Architecture.X86_64)
            .handler(handler)
            .code(Code.fromAsset(settings.codePath()))
            .memorySize(settings.memoryMb())
            .timeout(Duration.seconds(29))
            .environment(environment)
            .logGroup(logs);
        if (settings.snapStart()) {
            builder.snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS);
        }
        if (stores.vpc() != null) {
            builder.vpc(stores.vpc())
                .vpcSubnets(Network.PRIVATE)
                .securityGroups(List.of(stores.securityGroup()));
        }
        Function function;
        if (settings.reservedConcurrency() != null) {
            builder.reservedConcurrentExecutions(settings.reservedConcurrency());
        }
        if (routes != null) {
            builder.layers(List.of(routes));
        }
        function = builder.build();
        if (settings.snapStart()) {
            Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "called only through the live alias, on a published version");
        }
        return function;
    }

    private Alias alias(String name, Function function, LambdaSettings settings) {
        Alias.Builder alias = Alias.Builder.create(this, name + "Live")
            .aliasName("live")
            .version(function.getCurrentVersion());
        if (settings.provisionedConcurrency() != null) {
            alias.provisionedConcurrentExecutions(settings.provisionedConcurrency());
        }
        return alias.build();
    }

    /** A dynamic reference to one key of a secret: {@code {{resolve:secretsmanager:...}}}, never the value. */
    private static String reference(Stores.SecretField field) {
        return SecretValue.secretsManager(field.secret().getSecretArn(),
            software.amazon.awscdk.SecretsManagerSecretOptions.builder().jsonField(field.field()).build()).unsafeUnwrap();
    }

    private static RetentionDays retention(int days) {
        return switch (days) {
            case 1 -> RetentionDays.ONE_DAY;
            case 3 -> RetentionDays.THREE_DAYS;
            case 5 -> RetentionDays.FIVE_DAYS;
            case 7 -> RetentionDays.ONE_WEEK;
            case 14 -> RetentionDays.TWO_WEEKS;
            case 30 -> RetentionDays.ONE_MONTH;
            case 60 -> RetentionDays.TWO_MONTHS;
            case 90 -> RetentionDays.THREE_MONTHS;
            case 180 -> RetentionDays.SIX_MONTHS;
            case 365 -> RetentionDays.ONE_YEAR;
            default -> throw new IllegalArgumentException("gatehouse:logRetentionDays: one of 1, 3, 5, 7, 14, 30, 60, 90, 180, 365, not " + days);
        };
    }
}
