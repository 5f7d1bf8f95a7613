/**
 * The Lambda runtime: the gateway in shared behind micronaut-aws's API Gateway handlers.
 *
 * <p>{@link io.gatehouse.lambda.RestApiHandler} (REST API, payload 1.0) and
 * {@link io.gatehouse.lambda.HttpApiHandler} (HTTP API, payload 2.0) extend micronaut-aws's own
 * functions and close the gaps they leave: stage and custom-domain prefixes in front of the path,
 * repeated request cookies, raw query strings whose values contain commas, and several
 * {@code Set-Cookie} headers in an HTTP API response.
 */
package io.gatehouse.lambda;
