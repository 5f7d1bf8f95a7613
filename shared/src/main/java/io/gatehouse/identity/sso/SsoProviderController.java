package io.gatehouse.identity.sso;

import io.gatehouse.api.GlobalAdminOperation;
import io.gatehouse.api.OpenApiRefs;
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
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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

    private static final String ID = "the provider's id";

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
    @GlobalAdminOperation
    @Operation(operationId = "createSsoProvider", summary = "Add an SSO provider", description = "Usable for logins on every "
        + "instance within a second, without a restart. Takes Gatehouse's shape or the SSO gateway's.")
    @ApiResponse(responseCode = "201", description = "added", content = @Content(schema = @Schema(implementation = ProviderView.class),
        examples = @ExampleObject(name = "provider", ref = OpenApiRefs.EXAMPLES + "SsoProvider")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_BODY)
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    HttpResponse<ProviderView> create(HttpRequest<?> request,
                                      @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ProviderRequest.class),
                                          examples = {@ExampleObject(name = "gatehouse", ref = OpenApiRefs.EXAMPLES + "SsoProviderRequest"),
                                              @ExampleObject(name = "ssoGateway", ref = OpenApiRefs.EXAMPLES + "SsoProviderLegacyRequest")}))
                                      @Nullable @Body ProviderRequest body) {
        admin.require(request).requireGlobal("manage SSO providers");
        return HttpResponse.created(ProviderView.of(providers.create(body)));
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    @GlobalAdminOperation
    @Operation(operationId = "listSsoProviders", summary = "List SSO providers", description = "Configured ones (source "
        + "configuration, read-only) and those added here (source api); never a client secret.")
    @ApiResponse(responseCode = "200", description = "the providers", content = @Content(schema = @Schema(implementation = ProviderList.class),
        examples = @ExampleObject(name = "providers", ref = OpenApiRefs.EXAMPLES + "SsoProviderList")))
    ProviderList list(HttpRequest<?> request) {
        admin.require(request).requireGlobal("manage SSO providers");
        return new ProviderList(registry.all().stream().map(ProviderView::of).toList());
    }

    @Get(value = "/{id}", produces = MediaType.APPLICATION_JSON)
    @GlobalAdminOperation
    @Operation(operationId = "getSsoProvider", summary = "Show an SSO provider (never its client secret)")
    @ApiResponse(responseCode = "200", description = "the provider", content = @Content(schema = @Schema(implementation = ProviderView.class),
        examples = @ExampleObject(name = "provider", ref = OpenApiRefs.EXAMPLES + "SsoProvider")))
    ProviderView get(HttpRequest<?> request, @Parameter(description = ID, example = "keycloak") @PathVariable String id) {
        admin.require(request).requireGlobal("manage SSO providers");
        return ProviderView.of(providers.get(id));
    }

    @Audited(value = "sso-provider.update", target = "sso-provider:{id}")
    @Put(value = "/{id}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @GlobalAdminOperation
    @Operation(operationId = "replaceSsoProvider", summary = "Replace an SSO provider", description = "Absent fields take their "
        + "defaults; an absent client_secret keeps the stored one. 409 for a configured provider.")
    @ApiResponse(responseCode = "200", description = "the provider now", content = @Content(schema = @Schema(implementation = ProviderView.class),
        examples = @ExampleObject(name = "provider", ref = OpenApiRefs.EXAMPLES + "SsoProviderReplaced")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_BODY)
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    ProviderView replace(HttpRequest<?> request, @Parameter(description = ID, example = "keycloak") @PathVariable String id,
                         @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ProviderRequest.class),
                             examples = @ExampleObject(name = "provider", ref = OpenApiRefs.EXAMPLES + "SsoProviderReplace")))
                         @Nullable @Body ProviderRequest body) {
        admin.require(request).requireGlobal("manage SSO providers");
        return ProviderView.of(providers.update(id, body, false));
    }

    @Audited(value = "sso-provider.update", target = "sso-provider:{id}")
    @Patch(value = "/{id}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @GlobalAdminOperation
    @Operation(operationId = "updateSsoProvider", summary = "Change some fields of an SSO provider", description = "Absent fields "
        + "keep their values. 409 for a configured provider.")
    @ApiResponse(responseCode = "200", description = "the provider now", content = @Content(schema = @Schema(implementation = ProviderView.class),
        examples = @ExampleObject(name = "provider", ref = OpenApiRefs.EXAMPLES + "SsoProviderDisabled")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_BODY)
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    ProviderView update(HttpRequest<?> request, @Parameter(description = ID, example = "keycloak") @PathVariable String id,
                        @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ProviderRequest.class),
                            examples = @ExampleObject(name = "disable", ref = OpenApiRefs.EXAMPLES + "SsoProviderPatch")))
                        @Nullable @Body ProviderRequest body) {
        admin.require(request).requireGlobal("manage SSO providers");
        return ProviderView.of(providers.update(id, body, true));
    }

    @Delete("/{id}")
    @Audited(value = "sso-provider.delete", target = "sso-provider:{id}")
    @GlobalAdminOperation
    @Operation(operationId = "deleteSsoProvider", summary = "Remove an SSO provider", description = "New logins with it are "
        + "refused at once; existing sessions last until they end. 409 for a configured provider.")
    @ApiResponse(responseCode = "204", description = "removed")
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    HttpResponse<Void> delete(HttpRequest<?> request, @Parameter(description = ID, example = "keycloak") @PathVariable String id) {
        admin.require(request).requireGlobal("manage SSO providers");
        providers.delete(id);
        return HttpResponse.noContent();
    }
}
