package io.gatehouse.audit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a management endpoint that changes something: {@link AdminAuditFilter} records every call
 * to it, made (2xx, decision allow) or refused (4xx/5xx, decision deny with the envelope's code as
 * the reason), as an {@link AuditEvent.Category#ADMIN admin} event.
 *
 * <p>Templates ({@link #target()}, {@link #details()}) name path variables as {@code {id}} and
 * fields of the response body, by their JSON names, as {@code {body.jti}} or
 * {@code {body.rotated.id}}. Never name a secret (a token, a key, a client secret): only the named
 * values are recorded.
 * <pre>
 * &#64;Put("/routes/{id}")
 * &#64;Audited(value = "route.update", created = "route.create", target = "route:{id}")
 * </pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Audited {

    /**
     * @return the action, such as {@code route.delete} or {@code token.revoke}
     */
    String value();

    /**
     * @return the action instead of {@link #value()} when the answer is 201 Created; empty for none
     */
    String created() default "";

    /**
     * @return a body field and an action, as {@code body.rotated=api-key.rotate}: the action
     *         instead of {@link #value()} when that field of the answer has a value; empty for none
     */
    String variant() default "";

    /**
     * @return the object changed, as a template such as {@code route:{id}}; empty for none
     */
    String target() default "";

    /**
     * @return further facts as {@code name=template}, such as {@code consumer={name}}
     */
    String[] details() default {};
}
