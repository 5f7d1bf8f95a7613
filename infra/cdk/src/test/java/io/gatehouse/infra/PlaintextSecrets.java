package io.gatehouse.infra;

import software.amazon.awscdk.assertions.Template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Finds credentials written into a template rather than referenced: a secret's value
 * ({@code SecretString}), a password or AUTH token property that is not a Secrets Manager dynamic
 * reference, a Lambda variable named like a credential whose value is not one either, and an ECS
 * container's plain environment variable named like a credential (those belong in its
 * {@code Secrets}). How a secret is to be generated ({@code GenerateSecretString}) is not a value.
 */
final class PlaintextSecrets {

    private static final Pattern CREDENTIAL_VARIABLE = Pattern.compile("(?i).*(password|secret|token).*");
    private static final Pattern CREDENTIAL_PROPERTY = Pattern.compile("(?i).*password.*|authtoken");
    private static final String REFERENCE = "{{resolve:secretsmanager:";

    private PlaintextSecrets() {
    }

    /**
     * @param template a synthesized stack
     */
    static void assertNone(Template template) {
        List<String> found = find(template.toJSON());
        assertEquals(List.of(), found, "credentials in clear in the template");
    }

    /**
     * @param template a template's JSON
     * @return where a credential stands in clear, one entry a place
     */
    static List<String> find(Map<String, Object> template) {
        List<String> found = new ArrayList<>();
        Object resources = template.get("Resources");
        if (resources instanceof Map<?, ?> map) {
            map.forEach((name, resource) -> walk(resource, String.valueOf(name), found));
        }
        return found;
    }

    private static void walk(Object node, String path, List<String> found) {
        if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", found);
            }
            return;
        }
        if (!(node instanceof Map<?, ?> map)) {
            return;
        }
        map.forEach((k, value) -> {
            String key = String.valueOf(k);
            String at = path + "." + key;
            if (key.equals("GenerateSecretString")) {
                return;
            }
            if (key.equals("SecretString")) {
                found.add(at + ": a secret's value");
            } else if (CREDENTIAL_PROPERTY.matcher(key).matches() && !referenced(value)) {
                found.add(at + " = " + value);
            } else if (key.equals("Variables") && value instanceof Map<?, ?> variables) {
                variables.forEach((variable, v) -> {
                    if (CREDENTIAL_VARIABLE.matcher(String.valueOf(variable)).matches() && !referenced(v)) {
                        found.add(at + "." + variable + " = " + v);
                    }
                });
            } else if (key.equals("Environment") && value instanceof List<?> environment) {
                for (Object entry : environment) {
                    if (entry instanceof Map<?, ?> variable
                        && CREDENTIAL_VARIABLE.matcher(String.valueOf(variable.get("Name"))).matches()) {
                        found.add(at + "." + variable.get("Name") + ": a container variable, not from Secrets");
                    }
                }
            }
            walk(value, at, found);
        });
    }

    private static boolean referenced(Object value) {
        return String.valueOf(value).contains(REFERENCE);
    }
}
