package io.gatehouse.api;

import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents an operation any administrator may call: the global administrator with the admin token,
 * or a tenant administrator with a JWT (its own, or one from the OAuth2 flow) or a session that
 * holds a role of {@code gateway.admin.roles} and a tenant ({@code io.gatehouse.identity.AdminCredentials}).
 * It gives the operation those security requirements and the admin API's 401, 403 and 404 answers.
 * Put it on the controller's method; the operation's own answers are annotated beside it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD})
@SecurityRequirement(name = OpenApiRefs.ADMIN_TOKEN)
@SecurityRequirement(name = OpenApiRefs.BEARER_JWT)
@SecurityRequirement(name = OpenApiRefs.OAUTH2)
@SecurityRequirement(name = OpenApiRefs.SESSION_COOKIE)
@ApiResponse(responseCode = "401", ref = OpenApiRefs.ADMIN_UNAUTHORIZED)
@ApiResponse(responseCode = "403", ref = OpenApiRefs.ADMIN_FORBIDDEN)
@ApiResponse(responseCode = "404", ref = OpenApiRefs.ADMIN_NOT_FOUND)
public @interface AdminOperation {
}
