package io.gatehouse.conversation;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

/**
 * A stored session: whose it is. Its row in {@code conversation_sessions}, as
 * {@link SessionRepository} reads it.
 *
 * @param id           its id
 * @param tenant       the tenant of the caller who opened it, or {@code null}
 * @param owner        who opened it ({@link ConversationAccess#owner})
 * @param personaId    the persona it talks to, or {@code null}
 * @param createdAt    when it was opened, epoch milliseconds
 * @param lastActivity the last accepted message or event, epoch milliseconds
 */
@MappedEntity(value = "conversation_sessions", escape = false)
public record ConversationSession(@Id String id, @Nullable String tenant, String owner, @Nullable String personaId,
                                  long createdAt, long lastActivity) {
}
