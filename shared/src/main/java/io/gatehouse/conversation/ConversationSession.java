package io.gatehouse.conversation;

import io.micronaut.core.annotation.Nullable;

/**
 * A stored session: whose it is.
 *
 * @param id           its id
 * @param tenant       the tenant of the caller who opened it, or {@code null}
 * @param owner        who opened it ({@link ConversationAccess#owner})
 * @param personaId    the persona it talks to, or {@code null}
 * @param createdAt    when it was opened, epoch milliseconds
 * @param lastActivity the last accepted message or event, epoch milliseconds
 */
public record ConversationSession(String id, @Nullable String tenant, String owner, @Nullable String personaId,
                                  long createdAt, long lastActivity) {
}
