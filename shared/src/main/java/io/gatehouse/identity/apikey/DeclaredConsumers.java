package io.gatehouse.identity.apikey;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.config.DefinitionException;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.definition.GatewayDefinition;
import io.gatehouse.identity.Validation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The consumers of the definition file ({@code GatewayDefinition.consumers()}), read-only through
 * the admin API:
 *
 * <pre>{@code
 * consumers:
 *   billing-batch:
 *     groups: [internal, billing]
 *     tenant: acme                   # optional; the principal's tenant and the consumer's owner
 *     plan: gold                     # optional; a plan of the definition's plans (rate limits)
 *     keys:
 *       - id: ci-2026                # optional; the first 12 hex digits of the hash otherwise
 *         sha256: 3f0c...e1          # SHA-256 (hex) of the whole key, e.g. gh_<id>_<secret>
 * }</pre>
 */
final class DeclaredConsumers {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    /**
     * A declared consumer.
     *
     * @param name   its name
     * @param groups its groups
     * @param keys   its keys' ids by SHA-256 hex
     * @param tenant its tenant, or {@code null}
     * @param plan   its plan, or {@code null}
     */
    record Declared(String name, List<String> groups, Map<String, String> keys, String tenant, String plan) {
    }

    private DeclaredConsumers() {
    }

    /**
     * @param raw the raw {@code consumers} map, validated already by {@link GatewayDefinition#of}
     * @return the consumers by name
     * @throws DefinitionException naming every problem
     */
    static Map<String, Declared> parse(Map<String, Object> raw) {
        List<DefinitionProblem> problems = new ArrayList<>();
        Map<String, Declared> out = new LinkedHashMap<>();
        ConfigNode.root("consumers", raw, problems).entries().forEach((name, node) -> {
            Declared declared = parse(name, node);
            if (declared != null) {
                out.put(name, declared);
            }
        });
        if (!problems.isEmpty()) {
            throw new DefinitionException(problems);
        }
        return out;
    }

    /**
     * Reads one consumer, recording every problem on the node.
     *
     * @param name the consumer's name
     * @param node its configuration
     * @return the consumer, or {@code null} when its name is invalid
     */
    static Declared parse(String name, ConfigNode node) {
        if (!Validation.NAME.matcher(name).matches()) {
            node.problem("consumer name must be 1-128 letters, digits, '.', '_', ':' or '-'");
            return null;
        }
        if (!node.isMissing() && !(node.raw() instanceof Map<?, ?>)) {
            node.problem("a consumer must be a map with groups, keys, tenant and plan");
            return null;
        }
        node.allowOnly("groups", "keys", "tenant", "plan");
        String plan = node.get("plan").string(null);
        if (plan != null && plan.isEmpty()) {
            plan = null;
        }
        String tenant = node.get("tenant").string(null);
        if (tenant != null && !Validation.NAME.matcher(tenant).matches()) {
            node.get("tenant").problem("tenant must be 1-128 letters, digits, '.', '_', ':' or '-'");
        }
        List<String> groups = node.get("groups").list(g -> {
            String group = g.requiredString();
            if (group != null && !Validation.NAME.matcher(group).matches()) {
                g.problem("group must be 1-128 letters, digits, '.', '_', ':' or '-'");
                return null;
            }
            return group;
        });
        Map<String, String> keys = new LinkedHashMap<>();
        for (ConfigNode key : node.get("keys").elements()) {
            key.allowOnly("id", "sha256");
            String hash = key.get("sha256").requiredString();
            if (hash == null) {
                continue;
            }
            if (!SHA256_HEX.matcher(hash).matches()) {
                key.get("sha256").problem("must be 64 hex digits, the SHA-256 of the key");
                continue;
            }
            hash = hash.toLowerCase(Locale.ROOT);
            keys.put(hash, key.get("id").string(hash.substring(0, 12)));
        }
        return new Declared(name, List.copyOf(groups.stream().distinct().toList()), Map.copyOf(keys), tenant, plan);
    }
}
