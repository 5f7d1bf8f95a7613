package io.gatehouse.identity.apikey;

import io.gatehouse.definition.DefinitionParticipant;
import io.gatehouse.definition.GatewayDefinition;
import io.micronaut.core.annotation.Internal;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the consumers of each new definition into the keys {@link ApiKeys} looks up, as part of
 * the snapshot the definition is swapped in with: declared consumers change together with the
 * route table, or not at all.
 */
@Internal
@Singleton
final class DeclaredConsumerParticipant implements DefinitionParticipant<DeclaredConsumerParticipant.Keys> {

    /**
     * The declared consumers of one snapshot.
     *
     * @param consumers the consumers by name
     * @param keys      their keys by SHA-256 hex
     */
    record Keys(Map<String, DeclaredConsumers.Declared> consumers, Map<String, ApiKeys.Entry> keys) {

        static final Keys NONE = new Keys(Map.of(), Map.of());
    }

    @Override
    public Keys prepare(GatewayDefinition definition) {
        Map<String, DeclaredConsumers.Declared> consumers = DeclaredConsumers.parse(definition.consumers());
        Map<String, ApiKeys.Entry> keys = new HashMap<>();
        consumers.values().forEach(c -> c.keys().forEach((hash, id) ->
            keys.put(hash, new ApiKeys.Entry(new ApiKeyPrincipal(c.name(), id, List.copyOf(c.groups()), "file", c.tenant(), c.plan()), 0))));
        return new Keys(Map.copyOf(consumers), Map.copyOf(keys));
    }
}
