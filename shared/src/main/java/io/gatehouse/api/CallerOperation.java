package io.gatehouse.api;

import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents an operation any authenticated caller may use, checked as a route with {@code auth: any}
 * is (the session API, {@code gateway.conversations.auth}): a bearer JWT (its own, or one from the
 * OAuth2 flow), a consumer's API key or the login session. It gives the operation those security
 * requirements and the caller's 401, 403 and 503 answers.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD})
@SecurityRequirement(name = OpenApiRefs.BEARER_JWT)
@SecurityRequirement(name = OpenApiRefs.OAUTH2)
@SecurityRequirement(name = OpenApiRefs.API_KEY)
@SecurityRequirement(name = OpenApiRefs.SESSION_COOKIE)
@ApiResponse(responseCode = "401", ref = OpenApiRefs.CALLER_UNAUTHORIZED)
@ApiResponse(responseCode = "403", ref = OpenApiRefs.CALLER_FORBIDDEN)
@ApiResponse(responseCode = "503", ref = OpenApiRefs.STORE_UNAVAILABLE)
public @interface CallerOperation {
}
