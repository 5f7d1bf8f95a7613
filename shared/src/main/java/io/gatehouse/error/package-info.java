/**
 * The error envelope: every error the gateway itself produces is
 * {@code {"error":{"code","message","details","request_id","timestamp"}}} with the right status.
 *
 * <p>{@link io.gatehouse.error.EnvelopeErrorResponseProcessor} replaces Micronaut's default error
 * body for the framework's own errors (404, 405, 415, malformed JSON, unexpected failures);
 * gateway code throws {@link io.gatehouse.error.GatewayException} or asks
 * {@link io.gatehouse.error.ErrorResponses} for a response.
 */
package io.gatehouse.error;
