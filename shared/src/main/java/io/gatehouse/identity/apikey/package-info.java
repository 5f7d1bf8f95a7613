/**
 * Consumers with API keys and groups: {@link io.gatehouse.identity.apikey.ApiKeys} is the
 * non-blocking look-up the {@code api-key} auth mode calls; {@code /admin/consumers} manages the
 * consumers stored in the database; consumers declared in the definition file are read-only.
 * Keys are {@code gh_<id>_<43 base64url chars>} (32 random bytes) and are stored only as SHA-256.
 */
package io.gatehouse.identity.apikey;
