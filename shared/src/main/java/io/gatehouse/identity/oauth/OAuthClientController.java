package io.gatehouse.identity.oauth;

import io.gatehouse.api.AdminOperation;
import io.gatehouse.api.OpenApiRefs;
import io.gatehouse.audit.Audited;
import io.gatehouse.identity.AdminCredentials;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.List;

/**
 * {@code /admin/oauth-clients}: register (the secret is shown once), list, show and delete the
 * clients of {@code POST /oauth/token}. Admin only.
 */
@Controller("/admin/oauth-clients")
@Tag(name = "oauth")
@ExecuteOn(TaskExecutors.BLOCKING)
final class OAuthClientController {

    private static final String CLIENT_ID = "the client's id";

    private final OAuthClients clients;
    private final AdminCredentials admin;

    OAuthClientController(OAuthClients clients, AdminCredentials admin) {
        this.clients = clients;
        this.admin = admin;
    }

    /**
     * The registered clients.
     *
     * @param clients every client, without secrets
     */
    @Serdeable
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
    record ClientList(List<OAuthClients.Client> clients) {
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Audited(value = "oauth-client.create", target = "oauth-client:{body.client_id}")
    @AdminOperation
    @Operation(operationId = "registerOAuthClient", summary = "Register an OAuth2 client", description = "The secret, generated "
        + "unless given, is shown only in this response (Cache-Control: no-store).")
    @ApiResponse(responseCode = "201", description = "registered, with its secret", content = @Content(
        schema = @Schema(implementation = OAuthClients.Client.class),
        examples = @ExampleObject(name = "client", ref = OpenApiRefs.EXAMPLES + "OAuthClientRegistered")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_BODY)
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    HttpResponse<OAuthClients.Client> register(HttpRequest<?> request,
                                               @RequestBody(required = true, content = @Content(
                                                   schema = @Schema(implementation = OAuthClients.ClientRequest.class),
                                                   examples = @ExampleObject(name = "client", ref = OpenApiRefs.EXAMPLES + "OAuthClientRequest")))
                                               @Nullable @Body OAuthClients.ClientRequest body) {
        return HttpResponse.created(clients.register(admin.require(request), body)).header(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    @AdminOperation
    @Operation(operationId = "listOAuthClients", summary = "List OAuth2 clients", description = "Never their secrets.")
    @ApiResponse(responseCode = "200", description = "the clients", content = @Content(schema = @Schema(implementation = ClientList.class),
        examples = @ExampleObject(name = "clients", ref = OpenApiRefs.EXAMPLES + "OAuthClientList")))
    ClientList list(HttpRequest<?> request) {
        return new ClientList(clients.list(admin.require(request)));
    }

    @Get(value = "/{clientId}", produces = MediaType.APPLICATION_JSON)
    @AdminOperation
    @Operation(operationId = "getOAuthClient", summary = "Show an OAuth2 client", description = "Never its secret.")
    @ApiResponse(responseCode = "200", description = "the client", content = @Content(schema = @Schema(implementation = OAuthClients.Client.class),
        examples = @ExampleObject(name = "client", ref = OpenApiRefs.EXAMPLES + "OAuthClient")))
    OAuthClients.Client get(HttpRequest<?> request, @Parameter(description = CLIENT_ID, example = "reporting") @PathVariable String clientId) {
        return clients.get(admin.require(request), clientId);
    }

    @Delete("/{clientId}")
    @Audited(value = "oauth-client.delete", target = "oauth-client:{clientId}")
    @AdminOperation
    @Operation(operationId = "deleteOAuthClient", summary = "Delete an OAuth2 client and its refresh tokens")
    @ApiResponse(responseCode = "204", description = "deleted")
    HttpResponse<Void> delete(HttpRequest<?> request, @Parameter(description = CLIENT_ID, example = "reporting") @PathVariable String clientId) {
        clients.delete(admin.require(request), clientId);
        return HttpResponse.noContent();
    }
}
