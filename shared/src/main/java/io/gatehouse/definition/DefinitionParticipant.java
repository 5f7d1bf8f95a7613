package io.gatehouse.definition;

/**
 * A part of the gateway that takes its share of every new definition (declared consumers and
 * their keys, for instance) and must change together with the route table or not at all.
 *
 * <p>{@link GatewayState} calls {@link #prepare(GatewayDefinition)} on every participant with the
 * whole validated definition <em>before</em> anything is swapped in. Preparing may fail (a problem
 * of the definition, an I/O error); it must not change anything in force. When every participant
 * has prepared, the prepared parts become part of the next {@link GatewayState.Snapshot}, which is
 * swapped in with one write: a request sees the new routes, upstreams and participants' parts
 * together, or the old ones together. When any participant fails, nothing changes.
 *
 * @param <T> what the participant prepares, read back through {@link GatewayState.Snapshot#part(Class)}
 */
public interface DefinitionParticipant<T> {

    /**
     * Prepares this participant's part of a definition without changing anything in force.
     *
     * @param definition the whole new definition, already validated by {@link GatewayDefinition#of}
     * @return the part to keep in the snapshot, not {@code null}
     * @throws io.gatehouse.config.DefinitionException naming what is wrong with the definition
     * @throws RuntimeException when preparing fails otherwise; the reload is refused as well
     */
    T prepare(GatewayDefinition definition);
}
