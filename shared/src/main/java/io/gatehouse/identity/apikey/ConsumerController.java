package io.gatehouse.identity.apikey;

import io.gatehouse.api.AdminOperation;
import io.gatehouse.api.OpenApiRefs;
import io.gatehouse.audit.Audited;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.AdminCredentials;
import io.gatehouse.identity.AdminPrincipal;
import io.gatehouse.identity.RequestBodies;
import io.gatehouse.identity.apikey.ConsumerModels.ConsumerList;
import io.gatehouse.identity.apikey.ConsumerModels.ConsumerRequest;
import io.gatehouse.identity.apikey.ConsumerModels.ConsumerView;
import io.gatehouse.identity.apikey.ConsumerModels.CreatedKey;
import io.gatehouse.identity.apikey.ConsumerModels.KeyRequest;
import io.gatehouse.policy.limit.RateLimitUsage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
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
import io.micronaut.json.JsonMapper;
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

import java.util.Map;

/**
 * {@code /admin/consumers}: consumers, their groups and their API keys, admin only. A key is
 * shown once, in the response that creates it.
 */
@Controller("/admin/consumers")
@Tag(name = "consumers")
@ExecuteOn(TaskExecutors.BLOCKING)
final class ConsumerController {

    private static final String NAME = "the consumer's name";

    /** The optional body of {@code POST /{name}/keys}, named as a bound {@code @Body} argument would be. */
    private static final Argument<KeyRequest> KEY_REQUEST = Argument.of(KeyRequest.class, "body");

    private final ConsumerService consumers;
    private final AdminCredentials admin;
    private final JsonMapper json;
    private final RateLimitUsage usage;

    ConsumerController(ConsumerService consumers, AdminCredentials admin, JsonMapper json, RateLimitUsage usage) {
        this.consumers = consumers;
        this.admin = admin;
        this.json = json;
        this.usage = usage;
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Audited(value = "consumer.create", target = "consumer:{body.name}")
    @AdminOperation
    @Operation(operationId = "createConsumer", summary = "Create a consumer", description = "A tenant administrator's consumer "
        + "belongs to its tenant.")
    @ApiResponse(responseCode = "201", description = "created, without keys", content = @Content(
        schema = @Schema(implementation = ConsumerView.class), examples = @ExampleObject(name = "consumer", ref = OpenApiRefs.EXAMPLES + "Consumer")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_BODY)
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    HttpResponse<ConsumerView> create(HttpRequest<?> request,
                                      @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ConsumerRequest.class),
                                          examples = @ExampleObject(name = "consumer", ref = OpenApiRefs.EXAMPLES + "ConsumerCreate")))
                                      @Nullable @Body ConsumerRequest body) {
        return HttpResponse.created(consumers.create(admin.require(request), body));
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    @AdminOperation
    @Operation(operationId = "listConsumers", summary = "List consumers", description = "Declared ones (source file, read-only) "
        + "and those created here (source api).")
    @ApiResponse(responseCode = "200", description = "the consumers", content = @Content(schema = @Schema(implementation = ConsumerList.class),
        examples = @ExampleObject(name = "consumers", ref = OpenApiRefs.EXAMPLES + "ConsumerList")))
    ConsumerList list(HttpRequest<?> request) {
        return new ConsumerList(consumers.list(admin.require(request)));
    }

    @Get(value = "/{name}", produces = MediaType.APPLICATION_JSON)
    @AdminOperation
    @Operation(operationId = "getConsumer", summary = "Show a consumer and its keys (never the keys' secrets)")
    @ApiResponse(responseCode = "200", description = "the consumer", content = @Content(schema = @Schema(implementation = ConsumerView.class),
        examples = @ExampleObject(name = "consumer", ref = OpenApiRefs.EXAMPLES + "ConsumerWithKeys")))
    ConsumerView get(HttpRequest<?> request, @Parameter(description = NAME, example = "billing-service") @PathVariable String name) {
        return consumers.get(admin.require(request), name);
    }

    @Get(value = "/{name}/usage", produces = MediaType.APPLICATION_JSON)
    @AdminOperation
    @Operation(operationId = "getConsumerUsage", summary = "A consumer's use of its plan", description = "Per limit of the "
        + "consumer's plan: the requests it may make now and the seconds until its bucket is full again, read from the store "
        + "requests count in (Redis, or this instance's memory) without counting. 503 when Redis does not answer.")
    @ApiResponse(responseCode = "200", description = "the usage", content = @Content(
        schema = @Schema(implementation = RateLimitUsage.ConsumerUsage.class),
        examples = @ExampleObject(name = "usage", ref = OpenApiRefs.EXAMPLES + "ConsumerUsage")))
    @ApiResponse(responseCode = "503", ref = OpenApiRefs.STORE_UNAVAILABLE)
    RateLimitUsage.ConsumerUsage usage(HttpRequest<?> request,
                                       @Parameter(description = NAME, example = "billing-service") @PathVariable String name) {
        ConsumerView consumer = consumers.get(admin.require(request), name);
        try {
            return usage.consumer(consumer.name(), consumer.plan());
        } catch (IllegalStateException e) {
            throw new GatewayException(ErrorCode.SERVICE_UNAVAILABLE, "The rate-limit store does not answer; usage cannot be read now.",
                Map.of("reason", "rate_limit_store_unavailable"), Map.of("Retry-After", "1"));
        }
    }

    @Patch(value = "/{name}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Audited(value = "consumer.update", target = "consumer:{name}")
    @AdminOperation
    @Operation(operationId = "updateConsumer", summary = "Replace a consumer's groups or plan", description = "What the body "
        + "leaves out stays; \"plan\": \"\" removes the plan.")
    @ApiResponse(responseCode = "200", description = "the consumer now", content = @Content(schema = @Schema(implementation = ConsumerView.class),
        examples = @ExampleObject(name = "consumer", ref = OpenApiRefs.EXAMPLES + "ConsumerWithKeys")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_BODY)
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    ConsumerView update(HttpRequest<?> request, @Parameter(description = NAME, example = "billing-service") @PathVariable String name,
                        @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ConsumerRequest.class),
                            examples = @ExampleObject(name = "change", ref = OpenApiRefs.EXAMPLES + "ConsumerUpdate")))
                        @Nullable @Body ConsumerRequest body) {
        return consumers.update(admin.require(request), name, body);
    }

    @Put(value = "/{name}/groups", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Audited(value = "consumer.update", target = "consumer:{name}")
    @AdminOperation
    @Operation(operationId = "replaceConsumerGroups", summary = "Replace a consumer's groups")
    @ApiResponse(responseCode = "200", description = "the consumer now", content = @Content(schema = @Schema(implementation = ConsumerView.class),
        examples = @ExampleObject(name = "consumer", ref = OpenApiRefs.EXAMPLES + "ConsumerWithKeys")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_BODY)
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    ConsumerView putGroups(HttpRequest<?> request, @Parameter(description = NAME, example = "billing-service") @PathVariable String name,
                           @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ConsumerRequest.class),
                               examples = @ExampleObject(name = "groups", ref = OpenApiRefs.EXAMPLES + "ConsumerGroups")))
                           @Nullable @Body ConsumerRequest body) {
        return update(request, name, body);
    }

    @Delete("/{name}")
    @Audited(value = "consumer.delete", target = "consumer:{name}")
    @AdminOperation
    @Operation(operationId = "deleteConsumer", summary = "Delete a consumer and its keys", description = "409 for a consumer "
        + "declared in the definition (read-only).")
    @ApiResponse(responseCode = "204", description = "deleted")
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    HttpResponse<Void> delete(HttpRequest<?> request, @Parameter(description = NAME, example = "billing-service") @PathVariable String name) {
        consumers.delete(admin.require(request), name);
        return HttpResponse.noContent();
    }

    @Post(value = "/{name}/keys", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Audited(value = "api-key.create", variant = "body.rotated=api-key.rotate", target = "api-key:{body.id}",
        details = {"consumer={name}", "rotated={body.rotated.id}"})
    @AdminOperation
    @Operation(operationId = "createApiKey", summary = "Create an API key (shown once)", description = "With rotate, the named key "
        + "is revoked at once or, with overlap, expires after it. The body is optional: without one (or with {}) the key never "
        + "expires and no key is rotated. The answer is never cached (Cache-Control: no-store).",
        requestBody = @RequestBody(description = "optional", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = KeyRequest.class),
            examples = @ExampleObject(name = "rotate", ref = OpenApiRefs.EXAMPLES + "KeyRequest"))))
    @ApiResponse(responseCode = "201", description = "the key, shown this once", content = @Content(
        schema = @Schema(implementation = CreatedKey.class), examples = @ExampleObject(name = "key", ref = OpenApiRefs.EXAMPLES + "CreatedKey")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_BODY)
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    // No @Body: micronaut-aws answers 400 "Empty body" for a request without one, even to a @Nullable argument.
    HttpResponse<CreatedKey> createKey(HttpRequest<?> request,
                                       @Parameter(description = NAME, example = "billing-service") @PathVariable String name) {
        AdminPrincipal principal = admin.require(request);
        KeyRequest body = RequestBodies.json(request, json, KEY_REQUEST).orElse(null);
        return HttpResponse.created(consumers.createKey(principal, name, body)).header(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    @Delete("/{name}/keys/{id}")
    @Audited(value = "api-key.revoke", target = "api-key:{id}", details = "consumer={name}")
    @AdminOperation
    @Operation(operationId = "revokeApiKey", summary = "Revoke an API key", description = "It stops working at once, on every "
        + "instance.")
    @ApiResponse(responseCode = "204", description = "revoked")
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    HttpResponse<Void> revokeKey(HttpRequest<?> request, @Parameter(description = NAME, example = "billing-service") @PathVariable String name,
                                 @Parameter(description = "the key's id", example = "5b88b59c5758") @PathVariable String id) {
        consumers.revokeKey(admin.require(request), name, id);
        return HttpResponse.noContent();
    }
}
