package io.gatehouse.identity.apikey;

import java.util.List;

/**
 * Who presented an API key.
 *
 * @param consumer the consumer's name
 * @param keyId    the key's id (the part after the prefix), safe to log
 * @param groups   the consumer's groups, for per-route allow and deny lists
 * @param source   {@code api} (created through {@code /admin/consumers}) or {@code file} (declared)
 * @param tenant   the consumer's tenant, or {@code null} when it belongs to none
 * @param plan     the consumer's rate-limit plan, or {@code null} when it has none
 */
public record ApiKeyPrincipal(String consumer, String keyId, List<String> groups, String source, String tenant, String plan) {
}
