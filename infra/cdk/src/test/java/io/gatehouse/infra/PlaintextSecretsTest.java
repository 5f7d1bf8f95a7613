package io.gatehouse.infra;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The check every stack test relies on finds what it is there to find: it must be able to fail.
 */
class PlaintextSecretsTest {

    private static final Map<String, Object> REFERENCE = Map.of("Fn::Join", List.of("",
        List.of("{{resolve:secretsmanager:", Map.of("Ref", "Secret"), ":SecretString:password::}}")));

    @Test
    void literalCredentials_areFound() {
        Map<String, Object> template = Map.of("Resources", Map.of(
            "Db", Map.of("Type", "AWS::RDS::DBCluster", "Properties", Map.of("MasterUserPassword", "hunter2")),
            "Cache", Map.of("Type", "AWS::ElastiCache::ReplicationGroup", "Properties", Map.of("AuthToken", "hunter2")),
            "Secret", Map.of("Type", "AWS::SecretsManager::Secret", "Properties", Map.of("SecretString", "{\"a\":\"b\"}")),
            "Fn", Map.of("Type", "AWS::Lambda::Function", "Properties", Map.of("Environment", Map.of("Variables",
                Map.of("GATEWAY_JWT_SECRET", "hunter2", "REDIS_URI", "rediss://cache:6379")))),
            "Task", Map.of("Type", "AWS::ECS::TaskDefinition", "Properties", Map.of("ContainerDefinitions", List.of(Map.of(
                "Environment", List.of(Map.of("Name", "GATEWAY_ADMIN_TOKEN", "Value", "hunter2"))))))));
        assertEquals(5, PlaintextSecrets.find(template).size(), PlaintextSecrets.find(template).toString());
    }

    @Test
    void referencesAndGenerationRules_areNotCredentials() {
        Map<String, Object> template = Map.of("Resources", Map.of(
            "Db", Map.of("Type", "AWS::RDS::DBCluster", "Properties", Map.of("MasterUserPassword", REFERENCE)),
            "Secret", Map.of("Type", "AWS::SecretsManager::Secret", "Properties", Map.of("GenerateSecretString",
                Map.of("PasswordLength", 64, "ExcludePunctuation", true))),
            "Fn", Map.of("Type", "AWS::Lambda::Function", "Properties", Map.of("Environment", Map.of("Variables",
                Map.of("DATASOURCES_DEFAULT_PASSWORD", REFERENCE)))),
            "Task", Map.of("Type", "AWS::ECS::TaskDefinition", "Properties", Map.of("ContainerDefinitions", List.of(Map.of(
                "Environment", List.of(Map.of("Name", "REDIS_URI", "Value", "rediss://:${GATEHOUSE_REDIS_TOKEN}@cache:6379")),
                "Secrets", List.of(Map.of("Name", "GATEHOUSE_REDIS_TOKEN", "ValueFrom", "arn:aws:secretsmanager:x:token::"))))))));
        assertEquals(List.of(), PlaintextSecrets.find(template));
    }
}
