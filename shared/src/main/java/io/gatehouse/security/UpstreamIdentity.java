package io.gatehouse.security;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a proxy engine changes in the request it forwards: headers it removes first (every
 * {@code claims.forward} header, so a client cannot forge one, {@code Authorization} when the
 * route strips it, and the headers a route's {@code transforms} remove, rename or set), then
 * headers it sets (the forwarded claims the principal has, the values transforms set), then
 * values it adds beside whatever is left (transforms' {@code add} and renamed headers).
 *
 * @param remove lower-case names of headers to remove from the client's request
 * @param set    headers to set, by name as configured; every one of them is among {@code remove}
 * @param add    values to add, in order, by name as configured
 */
public record UpstreamIdentity(Set<String> remove, Map<String, String> set, List<Map.Entry<String, String>> add) {

    /**
     * The request attribute under which {@link io.gatehouse.policy.PolicyExchange the policy chain} leaves an admitted request's
     * changes for the buffered engine, which applies them to the request it builds: a request of
     * micronaut-aws (Lambda) ignores changes made to its headers.
     */
    public static final String ATTRIBUTE = "gatehouse.upstream-identity";

    /** Nothing to change. */
    public static final UpstreamIdentity NONE = new UpstreamIdentity(Set.of(), Map.of(), List.of());

    /**
     * Changes that only remove and set.
     *
     * @param remove lower-case names of headers to remove
     * @param set    headers to set
     */
    public UpstreamIdentity(Set<String> remove, Map<String, String> set) {
        this(remove, set, List.of());
    }

    /**
     * @return whether the engine must remove {@code Authorization}
     */
    public boolean stripAuthorization() {
        return remove.contains("authorization");
    }
}
