/**
 * The feedback API: {@code POST /v1/feedback} stores what a user says about the product, in the
 * SSO gateway's shape, optionally tied to a session and one of its events; {@code GET
 * /v1/feedback/stats} counts it for administrators and the holders of
 * {@code gateway.feedback.stats-roles}, always within their tenant. Callers are admitted as the
 * session API admits them ({@link io.gatehouse.conversation.ConversationService#admit}); rows live
 * in the gateway's database ({@code V31__feedback.sql}). The SSO gateway's unversioned
 * {@code /feedback} paths stay as a legacy alias. See docs/feedback.md.
 */
package io.gatehouse.feedback;
