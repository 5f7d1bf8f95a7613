package io.gatehouse.infra;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stores created by {@code gatehouse:createData=postgres,redis,kafka}, synthesized with both
 * gateway stacks as {@code cdk synth} does: Aurora PostgreSQL with encrypted storage and a generated
 * secret, Redis with TLS and an AUTH token from Secrets Manager, MSK with TLS in transit, each
 * admitting only the gateway's security group; the tasks and functions in that group and VPC, given
 * the stores' addresses and secret references; no credential in clear in any template. Then a
 * database created beside a Kafka referenced by address.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataStackTest {

    private Template data;
    private Template lambda;
    private Template container;

    @BeforeAll
    void synthesize() throws Exception {
        Map<String, Object> context = Synth.context();
        context.put("gatehouse:createData", "postgres,redis,kafka");
        context.put("gatehouse:databaseMaxCapacity", "8");
        App app = Synth.app(context);
        data = Synth.template(app, GatehouseCdkApp.DATA);
        lambda = Synth.template(app, GatehouseCdkApp.LAMBDA);
        container = Synth.template(app, GatehouseCdkApp.CONTAINER);
    }

    @Test
    void postgres_auroraEncryptedWithAGeneratedSecret() {
        data.hasResourceProperties("AWS::RDS::DBCluster", Map.of(
            "Engine", "aurora-postgresql",
            "DatabaseName", DataStack.DATABASE,
            "StorageEncrypted", true,
            "DeletionProtection", true,
            "ServerlessV2ScalingConfiguration", Map.of("MinCapacity", 0.5, "MaxCapacity", 8),
            "MasterUserPassword", Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(
                Match.arrayWith(List.of("{{resolve:secretsmanager:", ":SecretString:password::}}"))))))));
        data.resourceCountIs("AWS::RDS::DBInstance", 2);
        data.hasResourceProperties("AWS::RDS::DBInstance", Map.of("DBInstanceClass", "db.serverless"));
        data.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("GenerateSecretString", Match.objectLike(Map.of(
            "SecretStringTemplate", "{\"username\":\"gatehouse\"}",
            "GenerateStringKey", "password"))));
        data.resourceCountIs("AWS::SecretsManager::SecretTargetAttachment", 1);
    }

    @Test
    void redis_transitEncryptionAndAuthTokenFromSecretsManager() {
        data.hasResourceProperties("AWS::ElastiCache::ReplicationGroup", Map.of(
            "Engine", "redis",
            "TransitEncryptionEnabled", true,
            "AtRestEncryptionEnabled", true,
            "AutomaticFailoverEnabled", true,
            "MultiAZEnabled", true,
            "NumCacheClusters", 2,
            "AuthToken", Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(
                Match.arrayWith(List.of("{{resolve:secretsmanager:", ":SecretString:token::}}"))))))));
        data.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("GenerateSecretString", Match.objectLike(Map.of(
            "GenerateStringKey", "token",
            "ExcludePunctuation", true,
            "PasswordLength", 64))));
    }

    @Test
    void kafka_tlsInTransitAndBootstrapReadFromMsk() {
        data.hasResourceProperties("AWS::MSK::Cluster", Map.of(
            "KafkaVersion", DataStack.KAFKA_VERSION,
            "NumberOfBrokerNodes", 2,
            "EncryptionInfo", Map.of("EncryptionInTransit", Map.of("ClientBroker", "TLS", "InCluster", true)),
            "ClientAuthentication", Map.of("Unauthenticated", Map.of("Enabled", true))));
        data.hasResourceProperties("AWS::MSK::Configuration", Map.of(
            "ServerProperties", Match.stringLikeRegexp("auto\\.create\\.topics\\.enable=true")));
        // The custom resource that reads the bootstrap servers may call that one API on that one cluster.
        data.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement", List.of(Match.objectLike(Map.of(
            "Action", "kafka:GetBootstrapBrokers",
            "Resource", Map.of("Fn::GetAtt", List.of("Kafka", "Arn"))))))));
    }

    @Test
    void stores_admitOnlyTheGatewaySecurityGroup() {
        String gateway = only(data.findResources("AWS::EC2::SecurityGroup", Map.of("Properties", Map.of(
            "GroupDescription", Match.stringLikeRegexp("only clients")))).keySet());
        Map<String, Map<String, Object>> ingress = data.findResources("AWS::EC2::SecurityGroupIngress");
        List<Object> ports = new ArrayList<>();
        for (Map<String, Object> rule : ingress.values()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> properties = (Map<String, Object>) rule.get("Properties");
            assertEquals(Map.of("Fn::GetAtt", List.of(gateway, "GroupId")), properties.get("SourceSecurityGroupId"), rule.toString());
            assertEquals(properties.get("FromPort"), properties.get("ToPort"), rule.toString());
            ports.add(properties.get("FromPort"));
        }
        assertEquals(List.of(DataStack.POSTGRES_PORT, DataStack.REDIS_PORT, DataStack.KAFKA_TLS_PORT),
            ports.stream().sorted().toList());
        // The stores' groups open nothing else: no inline rule from an address range, no egress.
        Map<String, Map<String, Object>> stores = data.findResources("AWS::EC2::SecurityGroup", Map.of("Properties", Map.of(
            "GroupDescription", Match.stringLikeRegexp("port"))));
        assertEquals(3, stores.size(), stores.keySet().toString());
        for (Map<String, Object> group : stores.values()) {
            String text = group.toString();
            assertFalse(text.contains("SecurityGroupIngress"), text);
            assertTrue(text.contains("255.255.255.255/32"), "CDK's rule that allows no egress: " + text);
        }
    }

    @Test
    void container_runsInTheGatewayGroupWithTheStoresAddressesAndSecrets() {
        container.hasResourceProperties("AWS::ECS::Service", Map.of("NetworkConfiguration", Map.of("AwsvpcConfiguration",
            Match.objectLike(Map.of("SecurityGroups", List.of(Map.of("Fn::ImportValue",
                Match.stringLikeRegexp("GatewaySecurityGroup"))))))));
        Map<String, String> environment = Synth.containerVariables(container, "Environment", "Value");
        assertTrue(environment.get(Stores.DATABASE_URL).matches("\\{Fn::Join=\\[, \\[jdbc:postgresql://, .*, /gatehouse\\?sslmode=require]]}"),
            environment.toString());
        // Fn::Sub's ${!X} is a literal ${X}: the Micronaut placeholder the token variable fills.
        assertTrue(environment.get(Stores.REDIS_URI).startsWith(
            "{Fn::Sub=[rediss://:${!" + Stores.REDIS_TOKEN + "}@${Address}:${Port}, {"), environment.toString());
        assertTrue(environment.get(Stores.REDIS_URI).contains("Address={Fn::ImportValue="), environment.toString());
        assertTrue(environment.get(Stores.KAFKA_BOOTSTRAP).contains("BootstrapBrokerStringTls"), environment.toString());
        assertEquals("SSL", environment.get(Stores.KAFKA_SECURITY_PROTOCOL));
        Map<String, String> secrets = Synth.containerVariables(container, "Secrets", "ValueFrom");
        assertTrue(secrets.get(Stores.DATABASE_USERNAME).contains("Fn::ImportValue")
            && secrets.get(Stores.DATABASE_USERNAME).endsWith(":username::]]}"), secrets.toString());
        assertTrue(secrets.get(Stores.DATABASE_PASSWORD).endsWith(":password::]]}"), "the created database's password, "
            + "not the gateway secret's database-password: " + secrets);
        assertTrue(secrets.get(Stores.REDIS_TOKEN).endsWith(":token::]]}"), secrets.toString());
        assertTrue(secrets.get("GATEWAY_JWT_SECRET").endsWith(":jwt-secret::]]}"), secrets.toString());
    }

    @Test
    void lambda_inTheStoresVpcWithSecretReferencesAndTheRelay() {
        lambda.hasResourceProperties("AWS::Lambda::Function", Map.of(
            "Handler", LambdaSettings.RELAY_HANDLER,
            "VpcConfig", Map.of(
                "SecurityGroupIds", List.of(Map.of("Fn::ImportValue", Match.stringLikeRegexp("GatewaySecurityGroup"))),
                "SubnetIds", Match.anyValue()),
            "Environment", Map.of("Variables", Match.objectLike(Map.of(
                Stores.DATABASE_USERNAME, Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(
                    Match.arrayWith(List.of("{{resolve:secretsmanager:", ":SecretString:username::}}")))))),
                Stores.KAFKA_SECURITY_PROTOCOL, "SSL")))));
        lambda.resourceCountIs("AWS::Lambda::Function", 2);
    }

    @Test
    void noTemplate_holdsACredentialInClear() {
        PlaintextSecrets.assertNone(data);
        PlaintextSecrets.assertNone(lambda);
        PlaintextSecrets.assertNone(container);
    }

    @Test
    void createdDatabase_besideKafkaByReference() throws Exception {
        Map<String, Object> context = Synth.context();
        context.put("gatehouse:stacks", "container");
        context.put("gatehouse:createData", "postgres");
        context.put("gatehouse:kafkaBootstrap", "b-1.kafka.internal:9094");
        App app = Synth.app(context);
        Template created = Synth.template(app, GatehouseCdkApp.DATA);
        created.resourceCountIs("AWS::RDS::DBCluster", 1);
        created.resourceCountIs("AWS::ElastiCache::ReplicationGroup", 0);
        created.resourceCountIs("AWS::MSK::Cluster", 0);
        Template task = Synth.template(app, GatehouseCdkApp.CONTAINER);
        Map<String, String> environment = Synth.containerVariables(task, "Environment", "Value");
        assertEquals("b-1.kafka.internal:9094", environment.get(Stores.KAFKA_BOOTSTRAP));
        assertTrue(environment.get(Stores.DATABASE_URL).contains("jdbc:postgresql://"), environment.toString());
        assertFalse(environment.containsKey(Stores.KAFKA_SECURITY_PROTOCOL), "a referenced Kafka keeps the client's defaults");
        assertFalse(environment.containsKey(Stores.REDIS_URI));
        assertTrue(app.getNode().tryFindChild(GatehouseCdkApp.LAMBDA) == null);
    }

    private static String only(java.util.Set<String> keys) {
        assertEquals(1, keys.size(), keys.toString());
        return keys.iterator().next();
    }
}
