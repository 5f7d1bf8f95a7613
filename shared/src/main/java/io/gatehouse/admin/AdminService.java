package io.gatehouse.admin;

import io.gatehouse.admin.AdminStore.Kind;
import io.gatehouse.api.ShadowedRoutes;
import io.gatehouse.config.ConfigNode;
import io.gatehouse.config.DefinitionException;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.definition.DefinitionLoader;
import io.gatehouse.definition.GatewayDefinition;
import io.gatehouse.definition.GatewayState;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.AdminPrincipal;
import io.gatehouse.identity.apikey.ConsumerPlans;
import io.gatehouse.route.RouteDefinition;
import io.gatehouse.security.RoutePolicy;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the admin endpoints do. A change is checked against every other source as the next load
 * would see it (the file as it is on disk, the application configuration, the other admin
 * objects) with {@link GatewayDefinition#of(List)}, inside the store transaction that writes it;
 * then the table is swapped before the answer is sent.
 *
 * <p>Every operation is scoped by the {@link AdminPrincipal}. An object belongs to a tenant: an
 * admin object to the one stored with it, a route of the file or configuration to its literal
 * {@code tenant}, anything else to none (global). A tenant administrator lists its tenant's objects
 * only, gets 403 {@code cross_tenant} for any other, and what it creates belongs to its tenant; a
 * route it writes is bound to its tenant ({@code tenant: <its tenant>}), is confined to the
 * tenant's path prefix and priority ceiling, and may use its tenant's upstreams only (and the
 * global ones {@code gateway.admin.tenants.upstreams} names); an upstream it writes targets no
 * loopback, link-local or unspecified address ({@link TenantConfinement}).
 *
 * <p>Who owns an object is decided inside the store transaction that writes it, against what is
 * stored then: two tenants creating the same id at once cannot overwrite each other.
 */
@Singleton
@Requires(beans = AdminSync.class)
final class AdminService {

    /** How the object of a PUT is named in problems. */
    static final String BODY_SOURCE = "request body";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** A created-or-replaced object and whether it is new. */
    record Put(AdminObject object, boolean created) {
    }

    private final DefinitionLoader loader;
    private final ShadowedRoutes shadowed;
    private final GatewayState state;
    private final AdminStore store;
    private final AdminDefinitions definitions;
    private final AdminSync sync;
    private final TenantConfinement confinement;
    private final @Nullable ConsumerPlans consumers;

    AdminService(DefinitionLoader loader, GatewayState state, AdminStore store, AdminDefinitions definitions, AdminSync sync,
                 TenantConfinement confinement, ShadowedRoutes shadowed, @Nullable ConsumerPlans consumers) {
        this.consumers = consumers;
        this.confinement = confinement;
        this.shadowed = shadowed;
        this.loader = loader;
        this.state = state;
        this.store = store;
        this.definitions = definitions;
        this.sync = sync;
    }

    /**
     * @param admin who asks
     * @param kind  routes or upstreams
     * @return every one in force that the administrator reaches, in declaration order (upstreams by name)
     */
    List<AdminObject> list(AdminPrincipal admin, Kind kind) {
        return list(kind).stream().filter(o -> admin.reaches(o.tenant())).toList();
    }

    /**
     * @param kind routes or upstreams
     * @return the owning tenant by id, for every one in force that a tenant owns
     */
    Map<String, String> owners(Kind kind) {
        Map<String, String> owners = new java.util.HashMap<>();
        for (AdminObject object : list(kind)) {
            if (object.tenant() != null) {
                owners.put(object.id(), object.tenant());
            }
        }
        return owners;
    }

    private List<AdminObject> list(Kind kind) {
        GatewayDefinition definition = state.current().definition();
        AdminStore.Contents contents = definitions.contents();
        List<AdminObject> out = new ArrayList<>();
        if (kind == Kind.ROUTE) {
            for (RouteDefinition route : definition.routes()) {
                out.add(view(kind, route.id(), route.source(), contents, RoutePolicy.of(route).literalTenant())
                    .withUnreachablePaths(shadowed.unreachable(route)));
            }
            return out;
        }
        if (kind == Kind.PLAN) {
            for (String name : new TreeSet<>(definition.plans().keySet())) {
                String source = contents.find(kind, name) != null ? AdminDefinitions.SOURCE : "declarative file or application configuration";
                out.add(view(kind, name, source, contents, null));
            }
            return out;
        }
        Map<String, String> owners = null;
        for (String name : new TreeSet<>(definition.upstreams().keySet())) {
            if (contents.find(kind, name) != null) {
                out.add(view(kind, name, AdminDefinitions.SOURCE, contents, null));
                continue;
            }
            if (owners == null) {
                owners = upstreamOwners();
            }
            out.add(view(kind, name, owners.getOrDefault(name, "declarative file or application configuration"), contents, null));
        }
        return out;
    }

    /**
     * @param admin who asks
     * @param kind  routes or upstreams
     * @param id    the id
     * @return the one in force
     * @throws GatewayException 404 when there is none, 403 {@code cross_tenant} when it is out of the administrator's reach
     */
    AdminObject get(AdminPrincipal admin, Kind kind, String id) {
        AdminObject found = find(kind, id);
        if (found == null) {
            throw notFound(kind, id);
        }
        admin.check(found.tenant(), noun(kind), id);
        return found;
    }

    private AdminObject find(Kind kind, String id) {
        return list(kind).stream().filter(o -> o.id().equals(id)).findFirst().orElse(null);
    }

    /**
     * Creates or replaces an admin object.
     *
     * @param admin who asks
     * @param kind  routes or upstreams
     * @param id    the id from the path
     * @param body  one route or one upstream, as in the declarative file
     * @return the object in force and whether it was created
     */
    Put put(AdminPrincipal admin, Kind kind, String id, Map<String, Object> body) {
        if (kind == Kind.PLAN) {
            admin.requireGlobal("change plans, which every tenant's consumers share");
        }
        checkName(kind, id);
        AdminObject existing = find(kind, id);
        if (existing != null) {
            admin.check(existing.tenant(), noun(kind), id);
        }
        Map<String, Object> tree = new LinkedHashMap<>();
        if (kind == Kind.ROUTE) {
            Object bodyId = body.get("id");
            if (bodyId != null && !id.equals(String.valueOf(bodyId))) {
                throw invalid(kind, id, List.of(Map.of("source", BODY_SOURCE, "path", "id",
                    "message", "must be the id in the path ('" + id + "'), not '" + bodyId + "'")));
            }
            tree.put("id", id);
        }
        body.forEach((key, value) -> {
            if (kind != Kind.ROUTE || !key.equals("id")) {
                tree.put(key, value);
            }
        });
        String tenant = owner(admin, kind, id, tree, existing);
        if (!admin.global() && kind != Kind.PLAN) {
            if (kind == Kind.ROUTE) {
                confinement.checkRouteOptions(id, tree);
            }
            List<Map<String, Object>> confined = kind == Kind.ROUTE ? confinement.routeProblems(tenant, tree)
                : confinement.upstreamProblems(tree);
            if (!confined.isEmpty()) {
                throw invalid(kind, id, confined);
            }
        }
        List<GatewayDefinition.Source> others = otherSources(kind, id);
        refuseReadOnly(others, kind, id);
        AdminStore.Applied applied = write(new AdminStore.Put(kind, id, tree, tenant), (before, after) -> {
            // Against what is stored in this transaction, not what was read before it: a concurrent creator of the id wins.
            AdminStore.Entry stored = before.find(kind, id);
            if (stored != null) {
                admin.check(stored.tenant(), noun(kind), id);
            }
            if (admin.global() && kind == Kind.UPSTREAM && !java.util.Objects.equals(stored == null ? null : stored.tenant(), tenant)) {
                throw new GatewayException(ErrorCode.CONFLICT, "The upstream '" + id + "' changed hands while it was written; "
                    + "nothing was changed, repeat the request.", Map.of("kind", noun(kind), "id", id), Map.of());
            }
            if (!admin.global() && kind == Kind.ROUTE) {
                checkUpstreamUse(admin, id, tree, after);
            }
            validate(others, after, kind, id, true);
        });
        reloadAfter(applied);
        AdminObject written = new AdminObject(id, AdminDefinitions.SOURCE, false, tree, applied.contents().revision(), tenant, null);
        if (kind == Kind.ROUTE) {
            written = written.withUnreachablePaths(state.current().definition().routes().stream().filter(r -> r.id().equals(id))
                .findFirst().map(shadowed::unreachable).orElse(List.of()));
        }
        return new Put(written, !applied.existed());
    }

    /**
     * The tenant a written object belongs to. A tenant administrator's route is bound to its
     * tenant; a global administrator's route belongs to its literal {@code tenant}, and its
     * upstream keeps the tenant it had.
     */
    private String owner(AdminPrincipal admin, Kind kind, String id, Map<String, Object> tree, AdminObject existing) {
        if (kind == Kind.PLAN) {
            return null;
        }
        if (kind == Kind.UPSTREAM) {
            return admin.global() ? (existing == null ? null : existing.tenant()) : admin.tenant();
        }
        Object requested = tree.get("tenant");
        if (admin.global()) {
            return requested instanceof String text && !text.contains("{") && !RoutePolicy.ANY_TENANT.equals(text) ? text : null;
        }
        String tenant = admin.stamp(requested == null ? null : String.valueOf(requested), noun(kind), id);
        tree.put("tenant", tenant);
        return tenant;
    }

    /**
     * A tenant administrator's route uses its tenant's upstreams only, or a global one that
     * {@code gateway.admin.tenants.upstreams} allows: with a global upstream, its own strip-prefix,
     * rewrite and forwarded claims could reach backend paths no global route exposes.
     */
    private void checkUpstreamUse(AdminPrincipal admin, String id, Map<String, Object> tree, List<AdminStore.Entry> after) {
        if (!(tree.get("upstream") instanceof String upstream)) {
            return;
        }
        AdminStore.Entry used = after.stream().filter(e -> e.kind() == Kind.UPSTREAM && e.id().equals(upstream)).findFirst()
            .orElse(null);
        if (used != null && used.tenant() != null) {
            admin.check(used.tenant(), noun(Kind.UPSTREAM), upstream);
            return;
        }
        if (!confinement.allowsGlobalUpstream(upstream)) {
            throw invalid(Kind.ROUTE, id, List.of(Map.of("source", BODY_SOURCE, "path", "upstream", "message",
                "'" + upstream + "' is not an upstream of the tenant '" + admin.tenant() + "'; a tenant administrator's route "
                    + "uses its tenant's upstreams, and only the global ones " + TenantAdminConfiguration.PREFIX
                    + ".upstreams names")));
        }
    }

    /**
     * Deletes an admin object.
     *
     * @param admin who asks
     * @param kind  routes or upstreams
     * @param id    the id
     */
    void delete(AdminPrincipal admin, Kind kind, String id) {
        if (kind == Kind.PLAN) {
            admin.requireGlobal("change plans, which every tenant's consumers share");
        }
        AdminObject existing = find(kind, id);
        if (existing != null) {
            admin.check(existing.tenant(), noun(kind), id);
        }
        List<GatewayDefinition.Source> others = otherSources(kind, id);
        refuseReadOnly(others, kind, id);
        if (kind == Kind.PLAN && consumers != null) {
            // Consumers made through /admin/consumers live in the identity store, not in the definition it validates.
            List<String> users = consumers.onPlan(id);
            if (!users.isEmpty()) {
                throw new GatewayException(ErrorCode.CONFLICT, "Plan '" + id + "' is the plan of " + users.size()
                    + " consumer(s); give them another plan (PATCH /admin/consumers/{name}) first.",
                    Map.of("plan", id, "consumers", users), Map.of());
            }
        }
        AdminStore.Applied applied = write(new AdminStore.Delete(kind, id), (before, after) -> {
            AdminStore.Entry stored = before.find(kind, id);
            if (stored == null) {
                throw notFound(kind, id);
            }
            admin.check(stored.tenant(), noun(kind), id);
            validate(others, after, kind, id, false);
        });
        reloadAfter(applied);
    }

    /**
     * Reads every source again (file, configuration, store) and swaps the table; the global administrator only.
     *
     * @param admin who asks
     * @return the table in force
     */
    ReloadResult reload(AdminPrincipal admin) {
        admin.requireGlobal("reload every tenant's definitions");
        definitions.refresh();
        GatewayState.Snapshot snapshot;
        try {
            snapshot = state.reload();
        } catch (DefinitionException e) {
            throw new GatewayException(ErrorCode.VALIDATION_FAILED,
                "The gateway definition is not valid; the table in force stays.",
                Map.of("problems", problems(e.problems(), null, null)), Map.of());
        }
        return new ReloadResult(snapshot.table().version(), snapshot.definition().routes().size(),
            snapshot.definition().upstreams().size(), definitions.contents().revision());
    }

    private AdminStore.Applied write(AdminStore.Change change, AdminStore.Validator validator) {
        try {
            return store.apply(change, validator);
        } catch (SQLException e) {
            throw new GatewayException(ErrorCode.SERVICE_UNAVAILABLE, "The admin store cannot be reached; nothing was changed.",
                Map.of("reason", AdminDefinitions.describe(e)), Map.of("Retry-After", "5"));
        }
    }

    private void reloadAfter(AdminStore.Applied applied) {
        try {
            sync.written(applied.contents());
        } catch (DefinitionException e) {
            // Only when another source changed between the check and the reload (the file was edited).
            throw new GatewayException(ErrorCode.CONFLICT,
                "The change was stored, but the gateway definition no longer validates; the table in force stays.",
                Map.of("revision", applied.contents().revision(), "problems", problems(e.problems(), null, null)), Map.of());
        }
    }

    private void validate(List<GatewayDefinition.Source> others, List<AdminStore.Entry> after, Kind kind, String id,
                          boolean put) {
        List<GatewayDefinition.Source> candidate = new ArrayList<>(others);
        List<AdminStore.Entry> rest = put
            ? after.stream().filter(e -> e.kind() != kind || !e.id().equals(id)).toList()
            : after;
        if (!rest.isEmpty()) {
            candidate.add(AdminDefinitions.source(AdminDefinitions.SOURCE, rest));
        }
        if (put) {
            candidate.add(AdminDefinitions.source(BODY_SOURCE,
                after.stream().filter(e -> e.kind() == kind && e.id().equals(id)).toList()));
        } else if (kind == Kind.UPSTREAM) {
            List<String> users = routesUsing(candidate, id);
            if (!users.isEmpty()) {
                throw new GatewayException(ErrorCode.CONFLICT,
                    "Upstream '" + id + "' is used by " + users.size() + " route(s); change or delete them first.",
                    Map.of("upstream", id, "routes", users), Map.of());
            }
        }
        try {
            // The whole definition as the next reload sees it, every participant included (declared consumers).
            state.validate(candidate);
        } catch (DefinitionException e) {
            throw invalid(kind, id, problems(e.problems(), kind, id));
        }
    }

    /** The file and application configuration as the next load would read them, plus other contributors. */
    private List<GatewayDefinition.Source> otherSources(Kind kind, String id) {
        try {
            return loader.sources().stream().filter(s -> !AdminDefinitions.SOURCE.equals(s.name())).toList();
        } catch (DefinitionException e) {
            throw invalid(kind, id, problems(e.problems(), kind, id));
        }
    }

    private static void refuseReadOnly(List<GatewayDefinition.Source> others, Kind kind, String id) {
        for (GatewayDefinition.Source source : others) {
            if (ids(source, kind).contains(id)) {
                throw new GatewayException(ErrorCode.CONFLICT,
                    "The " + noun(kind) + " '" + id + "' is defined in " + source.name()
                        + " and cannot be changed through the admin API; edit it there.",
                    Map.of("id", id, "source", source.name(), "read_only", true), Map.of());
            }
        }
    }

    private Map<String, String> upstreamOwners() {
        Map<String, String> owners = new LinkedHashMap<>();
        try {
            for (GatewayDefinition.Source source : loader.sources()) {
                ids(source, Kind.UPSTREAM).forEach(name -> owners.putIfAbsent(name, source.name()));
            }
        } catch (DefinitionException e) {
            // The file on disk does not parse right now; the generic label will do.
        }
        return owners;
    }

    private static List<String> ids(GatewayDefinition.Source source, Kind kind) {
        ConfigNode root = ConfigNode.root(source.name(), source.tree(), new ArrayList<>());
        if (kind == Kind.UPSTREAM) {
            return List.copyOf(root.get("upstreams").entries().keySet());
        }
        if (kind == Kind.PLAN) {
            return List.copyOf(root.get("plans").entries().keySet());
        }
        return root.get("routes").elements().stream().map(n -> n.get("id").string(null)).filter(i -> i != null).toList();
    }

    private static List<String> routesUsing(List<GatewayDefinition.Source> sources, String upstream) {
        List<String> users = new ArrayList<>();
        for (GatewayDefinition.Source source : sources) {
            ConfigNode root = ConfigNode.root(source.name(), source.tree(), new ArrayList<>());
            for (ConfigNode route : root.get("routes").elements()) {
                if (upstream.equals(route.get("upstream").string(null))) {
                    users.add(route.get("id").string("?"));
                }
            }
        }
        return users;
    }

    private AdminObject view(Kind kind, String id, String source, AdminStore.Contents contents, String declaredTenant) {
        AdminStore.Entry entry = AdminDefinitions.SOURCE.equals(source) ? contents.find(kind, id) : null;
        if (entry == null) {
            return new AdminObject(id, source, !AdminDefinitions.SOURCE.equals(source), null, null, declaredTenant, null);
        }
        return new AdminObject(id, source, false, entry.tree(), contents.revision(), entry.tenant(), null);
    }

    private static void checkName(Kind kind, String id) {
        if (!NAME.matcher(id).matches()) {
            throw invalid(kind, id, List.of(Map.of("source", "path", "path", "id",
                "message", "must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit")));
        }
    }

    /** Problems as the client sees them: those of the request body with paths relative to the body. */
    static List<Map<String, Object>> problems(List<DefinitionProblem> problems, Kind kind, String id) {
        String prefix = kind == null ? null : kind == Kind.ROUTE ? "routes[0]" : kind == Kind.PLAN ? "plans." + id : "upstreams." + id;
        List<Map<String, Object>> out = new ArrayList<>();
        for (DefinitionProblem problem : problems) {
            String path = problem.path();
            if (BODY_SOURCE.equals(problem.source()) && prefix != null && path.startsWith(prefix)) {
                path = path.substring(prefix.length());
                if (path.startsWith(".")) {
                    path = path.substring(1);
                }
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("source", problem.source());
            item.put("path", path);
            item.put("message", problem.message());
            out.add(item);
        }
        return out;
    }

    private static GatewayException invalid(Kind kind, String id, List<Map<String, Object>> problems) {
        return new GatewayException(ErrorCode.VALIDATION_FAILED,
            "The " + noun(kind) + " '" + id + "' is not valid together with the rest of the gateway definition; "
                + "nothing was changed.",
            Map.of("kind", noun(kind), "id", id, "problems", problems), Map.of());
    }

    private static GatewayException notFound(Kind kind, String id) {
        return new GatewayException(ErrorCode.NOT_FOUND, "No " + noun(kind) + " '" + id + "' is in force.",
            Map.of("kind", noun(kind), "id", id), Map.of());
    }

    private static String noun(Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
