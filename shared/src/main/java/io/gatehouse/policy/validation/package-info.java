/**
 * A route's {@code validate}: JSON Schemas (draft 2020-12, networknt's json-schema-validator) for
 * the request's body, query parameters and headers, read and compiled when the definition loads
 * and checked in {@link io.gatehouse.policy.Phase#VALIDATION}, so that a request that does not
 * fit never reaches the upstream. See docs/validation.md.
 */
package io.gatehouse.policy.validation;
