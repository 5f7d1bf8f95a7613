package io.gatehouse.admin;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import jakarta.inject.Singleton;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Applies {@link TenantAdminConfiguration} to what a tenant administrator writes: the path prefix
 * and priority ceiling of its routes, the options its routes may not set (credentials shown to a
 * decision service), and the addresses its upstreams may target. Each problem
 * names the field of the request body, as the definition's own validation does.
 *
 * <p>Targets are checked when they are written, on the addresses their host resolves to then; a
 * name that resolves elsewhere later (DNS rebinding) is not caught here.
 */
@Singleton
final class TenantConfinement {

    /** The route key only the global administrator may set to {@code true} by default. */
    static final String FORWARD_CREDENTIALS_KEY = "authorization.opa.forward-credentials";

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    /** An address block of {@code allowed-targets}. */
    private record Block(byte[] network, int bits) {

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (bytes[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (bytes[full] & mask) == (network[full] & mask);
        }
    }

    private final TenantAdminConfiguration configuration;
    private final List<Block> allowed;

    TenantConfinement(TenantAdminConfiguration configuration) {
        this.configuration = configuration;
        List<Block> blocks = new ArrayList<>();
        for (String entry : configuration.getAllowedTargets()) {
            blocks.add(block(entry.trim()));
        }
        this.allowed = List.copyOf(blocks);
    }

    /**
     * @param tenant the administrator's tenant
     * @param tree   the route as written
     * @return the problems: a {@code match.path} outside the tenant's prefix, a {@code priority} above the ceiling
     */
    List<Map<String, Object>> routeProblems(String tenant, Map<String, Object> tree) {
        List<Map<String, Object>> problems = new ArrayList<>();
        String prefix = configuration.pathPrefix(tenant);
        String bare = prefix.endsWith("/") && prefix.length() > 1 ? prefix.substring(0, prefix.length() - 1) : prefix;
        Object path = tree.get("match") instanceof Map<?, ?> match ? match.get("path") : null;
        if (path instanceof String text && !text.startsWith(prefix) && !text.equals(bare)) {
            problems.add(problem("match.path", "'" + text + "' is outside the paths of the tenant '" + tenant
                + "': a tenant administrator's route matches paths starting with '" + prefix + "' only ("
                + TenantAdminConfiguration.PREFIX + ".path-prefix)"));
        }
        Object priority = tree.get("priority");
        Long value = priority instanceof Number number ? Long.valueOf(number.longValue())
            : priority instanceof String text && text.trim().matches("-?\\d{1,18}") ? Long.valueOf(text.trim()) : null;
        if (value != null && value > configuration.getMaxPriority()) {
            problems.add(problem("priority", "must be at most " + configuration.getMaxPriority()
                + " for a tenant administrator's route (" + TenantAdminConfiguration.PREFIX + ".max-priority)"));
        }
        return problems;
    }

    /**
     * Refuses what a tenant administrator's route may not set whatever its paths: today
     * {@code authorization.opa.forward-credentials: true}, unless
     * {@code gateway.admin.tenants.forward-credentials} allows it.
     *
     * @param id   the route's id
     * @param tree the route as written
     * @throws GatewayException 403 {@code global_admin_required} naming the key
     */
    void checkRouteOptions(String id, Map<String, Object> tree) {
        if (configuration.isForwardCredentials()) {
            return;
        }
        Object authorization = tree.get("authorization");
        Object opa = authorization instanceof Map<?, ?> map ? map.get("opa") : null;
        Object forward = opa instanceof Map<?, ?> map ? map.get("forward-credentials") : null;
        if (Boolean.TRUE.equals(forward) || (forward instanceof String text && text.trim().equalsIgnoreCase("true"))) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("reason", "global_admin_required");
            details.put("key", FORWARD_CREDENTIALS_KEY);
            details.put("property", TenantAdminConfiguration.PREFIX + ".forward-credentials");
            throw new GatewayException(ErrorCode.FORBIDDEN, "Route '" + id + "': only the global administrator may set "
                + FORWARD_CREDENTIALS_KEY + ", which shows the decision service the callers' credentials ("
                + TenantAdminConfiguration.PREFIX + ".forward-credentials allows tenant administrators).", details, Map.of());
        }
    }

    /**
     * @param upstream a global upstream's name
     * @return whether tenant administrators' routes may use it ({@code gateway.admin.tenants.upstreams})
     */
    boolean allowsGlobalUpstream(String upstream) {
        return configuration.getUpstreams().contains(upstream);
    }

    /**
     * @param tree the upstream as written
     * @return the problems: a target whose host is, or resolves to, a loopback, link-local or
     *         unspecified address that {@code allowed-targets} does not list, or that does not resolve
     */
    List<Map<String, Object>> upstreamProblems(Map<String, Object> tree) {
        List<Map<String, Object>> problems = new ArrayList<>();
        if (tree.get("targets") instanceof List<?> targets) {
            for (int i = 0; i < targets.size(); i++) {
                Object target = targets.get(i);
                if (target instanceof Map<?, ?> map) {
                    checkTarget(map.get("url"), "targets[" + i + "].url", problems);
                } else {
                    checkTarget(target, "targets[" + i + "]", problems);
                }
            }
        }
        checkTarget(tree.get("url"), "url", problems);
        return problems;
    }

    private void checkTarget(Object url, String field, List<Map<String, Object>> problems) {
        if (!(url instanceof String text)) {
            return; // Missing or not a string: the definition's validation names it.
        }
        String host;
        try {
            host = URI.create(text.trim()).getHost();
        } catch (IllegalArgumentException e) {
            return;
        }
        if (host == null) {
            return;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            problems.add(problem(field, "the host '" + host + "' does not resolve; a tenant's upstream must target an address "
                + "that can be checked"));
            return;
        }
        for (InetAddress address : addresses) {
            if (internal(address) && allowed.stream().noneMatch(b -> b.contains(address))) {
                problems.add(problem(field, "'" + text + "' targets " + address.getHostAddress()
                    + ", a loopback, link-local or unspecified address, which a tenant's upstream may not reach "
                    + "(a global administrator can allow it in " + TenantAdminConfiguration.PREFIX + ".allowed-targets)"));
                return;
            }
        }
    }

    private static boolean internal(InetAddress address) {
        return address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress();
    }

    private static Block block(String entry) {
        int slash = entry.indexOf('/');
        String ip = slash < 0 ? entry : entry.substring(0, slash);
        if (!IP_LITERAL.matcher(ip).matches()) {
            throw new IllegalStateException(TenantAdminConfiguration.PREFIX + ".allowed-targets: '" + entry
                + "' is not an IP address or CIDR block");
        }
        byte[] network;
        try {
            network = InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(TenantAdminConfiguration.PREFIX + ".allowed-targets: '" + entry
                + "' is not an IP address or CIDR block", e);
        }
        int bits = network.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > network.length * 8) {
                throw new IllegalStateException(TenantAdminConfiguration.PREFIX + ".allowed-targets: '" + entry
                    + "' has no valid prefix length");
            }
        }
        return new Block(network, bits);
    }

    private static Map<String, Object> problem(String path, String message) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("source", AdminService.BODY_SOURCE);
        problem.put("path", path);
        problem.put("message", message);
        return problem;
    }
}
