package io.gatehouse.identity.sso;

import io.gatehouse.audit.Audited;
import io.gatehouse.identity.AdminCredentials;
import io.gatehouse.identity.sso.SsoModels.ProviderList;
import io.gatehouse.identity.sso.SsoModels.ProviderRequest;
import io.gatehouse.identity.sso.SsoModels.ProviderView;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * {@code /admin/sso-providers}: the SSO providers users log in with, admin only. Providers of
 * {@code gateway.sso.providers} are listed with {@code "source":"configuration"} and cannot be
 * changed here (409). A client secret is accepted, stored and never returned. Providers serve
 * every tenant (a provider's {@code tenant} names the tenant its users belong to), so only the
 * global administrator manages them: a tenant administrator gets 403 {@code global_admin_required}.
 * Changes are recorded in the audit log.
 */
@Controller("/admin/sso-providers")
@Tag(name = "sso-providers")
@ExecuteOn(TaskExecutors.BLOCKING)
final class SsoProviderController {

    private final SsoProviderService providers;
    private final SsoProviders registry;
    private final AdminCredentials admin;

    SsoProviderController(SsoProviderService providers, SsoProviders registry, AdminCredentials admin) {
        this.providers = providers;
        this.registry = registry;
        this.admin = admin;
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Audited(value = "sso-provider.create", target = "sso-provider:{body.id}")
    @Operation(summary = "Add an SSO provider", description = "Usable for logins on every instance within a second, without a restart.")
    HttpResponse<ProviderView> create(HttpRequest<?> request, @Nullable @Body ProviderRequest body) {
        admin.require(request).requireGlobal("manage SSO providers");
        return HttpResponse.created(ProviderView.of(providers.create(body)));
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "List SSO providers", description = "Configured ones (source configuration, read-only) and those added here (source api).")
    ProviderList list(HttpRequest<?> request) {
        admin.require(request).requireGlobal("manage SSO providers");
        return new ProviderList(registry.all().stream().map(ProviderView::of).toList());
    }

    @Get(value = "/{id}", produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "Show an SSO provider (never its client secret)")
    ProviderView get(HttpRequest<?> request, @PathVariable String id) {
        admin.require(request).requireGlobal("manage SSO providers");
        return ProviderView.of(providers.get(id));
    }

    @Audited(value = "sso-provider.update", target = "sso-provider:{id}")
    @Put(value = "/{id}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace an SSO provider", description = "Absent fields take their defaults; an absent client_secret keeps the stored one.")
    ProviderView replace(HttpRequest<?> request, @PathVariable String id, @Nullable @Body ProviderRequest body) {
        admin.require(request).requireGlobal("manage SSO providers");
        return ProviderView.of(providers.update(id, body, false));
    }

    @Audited(value = "sso-provider.update", target = "sso-provider:{id}")
    @Patch(value = "/{id}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "Change some fields of an SSO provider", description = "Absent fields keep their values.")
    ProviderView update(HttpRequest<?> request, @PathVariable String id, @Nullable @Body ProviderRequest body) {
        admin.require(request).requireGlobal("manage SSO providers");
        return ProviderView.of(providers.update(id, body, true));
    }

    @Delete("/{id}")
    @Audited(value = "sso-provider.delete", target = "sso-provider:{id}")
    @Operation(summary = "Remove an SSO provider", description = "New logins with it are refused at once; existing sessions last until they end.")
    HttpResponse<Void> delete(HttpRequest<?> request, @PathVariable String id) {
        admin.require(request).requireGlobal("manage SSO providers");
        providers.delete(id);
        return HttpResponse.noContent();
    }
}
