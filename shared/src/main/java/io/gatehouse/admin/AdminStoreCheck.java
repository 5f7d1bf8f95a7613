package io.gatehouse.admin;

import io.gatehouse.observability.health.CheckResult;
import io.gatehouse.observability.health.DependencyCheck;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code admin-store} in {@code /v1/health}: whether the admin objects are loaded, the revision
 * in force against the one stored, and the listener's state. Not critical: routing goes on with
 * the table in force while the store is unreachable, so a failing store degrades the gateway.
 */
@Singleton
@Requires(beans = AdminDefinitions.class)
final class AdminStoreCheck implements DependencyCheck {

    private final AdminDefinitions definitions;
    private final AdminStore store;
    private final BeanProvider<AdminChangeListener> listener;

    AdminStoreCheck(AdminDefinitions definitions, AdminStore store, BeanProvider<AdminChangeListener> listener) {
        this.definitions = definitions;
        this.store = store;
        this.listener = listener;
    }

    @Override
    public String name() {
        return "admin-store";
    }

    @Override
    public boolean critical() {
        return false;
    }

    @Override
    public CheckResult check(Duration timeout) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("loaded", definitions.loaded());
        details.put("revision_in_force", definitions.contents().revision());
        details.put("migrated", store.migrated());
        listener.ifPresent(l -> details.put("listener", l.status().name().toLowerCase(java.util.Locale.ROOT)));
        try {
            details.put("revision_stored", store.revision());
        } catch (Exception e) {
            return CheckResult.down("cannot read the store: " + AdminDefinitions.describe(e), details);
        }
        if (!definitions.loaded()) {
            String error = definitions.lastError();
            return CheckResult.down("admin objects not loaded" + (error == null ? "" : ": " + error), details);
        }
        return CheckResult.ok(details);
    }
}
