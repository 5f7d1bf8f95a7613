package io.gatehouse.api;

import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents an operation only the global administrator may call, with the admin token
 * ({@code gateway.admin.token}); a tenant administrator gets 403 {@code global_admin_required}.
 * It gives the operation that security requirement and the admin API's 401, 403 and 404 answers.
 * Put it on the controller's method; the operation's own answers are annotated beside it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD})
@SecurityRequirement(name = OpenApiRefs.ADMIN_TOKEN)
@ApiResponse(responseCode = "401", ref = OpenApiRefs.ADMIN_UNAUTHORIZED)
@ApiResponse(responseCode = "403", ref = OpenApiRefs.ADMIN_FORBIDDEN)
@ApiResponse(responseCode = "404", ref = OpenApiRefs.ADMIN_NOT_FOUND)
public @interface GlobalAdminOperation {
}
