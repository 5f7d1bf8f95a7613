/**
 * A route's {@code transforms}: headers and query of the request the upstream receives
 * ({@link io.gatehouse.policy.Phase#REQUEST_TRANSFORM}) and headers of the response the client receives
 * ({@link io.gatehouse.policy.Phase#RESPONSE_TRANSFORM}), removed, renamed, set or added with values
 * from templates over path variables, claims, the request id and the client address. See
 * docs/transforms.md.
 */
package io.gatehouse.policy.transform;
