package io.gatehouse.audit;

import io.gatehouse.api.OwnedPaths;
import io.gatehouse.error.ErrorEnvelope;
import io.gatehouse.identity.AdminCredentials;
import io.gatehouse.identity.AdminPrincipal;
import io.gatehouse.security.GatewayPrincipal;
import io.gatehouse.security.HttpRequestView;
import io.gatehouse.observability.RequestIds;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.AnnotationValue;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteMatch;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Records what happens on the management endpoints ({@code /admin/**}, {@code /v1/tokens}):
 * every refused admin credential (401) as an authentication event, and every call of an endpoint
 * marked {@link Audited} as an admin event, allowed when it answered 2xx, denied otherwise with
 * the envelope's code as the reason. Reads are not recorded. It looks at the answer only, so the
 * endpoints stay as they are and a new one needs only the annotation.
 *
 * <p>The acting principal is the {@link AdminPrincipal} that {@link AdminCredentials} admitted and
 * kept on the request: {@code admin} ({@code admin-token}) for the global admin token, or a tenant
 * administrator with its subject, method and tenant.
 */
@ServerFilter({"/admin", "/admin/**", "/v1/tokens", "/v1/tokens/**"})
@Requires(beans = AuditLog.class)
final class AdminAuditFilter implements Ordered {

    /** The principal of the admin token. */
    static final AuditEvent.Principal ADMIN = new AuditEvent.Principal("admin", "admin-token");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]+)}");

    private final AuditLog log;
    private final AdminCredentials credentials;
    private final JsonMapper json;
    private final OwnedPaths ownedPaths;

    AdminAuditFilter(AuditLog log, AdminCredentials credentials, JsonMapper json, OwnedPaths ownedPaths) {
        this.log = log;
        this.credentials = credentials;
        this.json = json;
        this.ownedPaths = ownedPaths;
    }

    @ResponseFilter
    void record(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (!ownedPaths.owns(new HttpRequestView(request).path())) {
            return; // A route's answer under /admin, not a management endpoint's.
        }
        int status = response.code();
        if (status == 401) {
            String challenge = response.getHeaders().get(HttpHeaders.WWW_AUTHENTICATE);
            log.record(AuditEvent.builder(AuditEvent.Category.AUTHENTICATION, "admin.authenticate")
                .decision(AuditEvent.Decision.DENY,
                    challenge != null && challenge.contains("invalid_token") ? "invalid_token" : "missing_credentials")
                .principal(null, ADMIN.method())
                .request(RequestIds.of(request), request.getMethodName(), request.getPath())
                .build());
            return;
        }
        RouteMatch<?> match = RouteAttributes.getRouteMatch(request).orElse(null);
        AnnotationValue<Audited> audited = match == null ? null : match.getAnnotationMetadata().getAnnotation(Audited.class);
        AdminPrincipal admitted = request.getAttribute(AdminPrincipal.ATTRIBUTE, AdminPrincipal.class).orElse(null);
        if (status == 403 && (admitted == null || audited == null)) {
            // Refused access rather than a refused change: a verified credential without an admin
            // role or tenant, or a read that reached into another tenant. Changes are recorded below.
            GatewayPrincipal refused = request.getAttribute(AdminCredentials.REFUSED_ATTRIBUTE, GatewayPrincipal.class).orElse(null);
            AuditEvent.Builder event = AuditEvent.builder(AuditEvent.Category.AUTHORIZATION, "admin.access")
                .decision(AuditEvent.Decision.DENY, detailReason(response.getBody().orElse(null), status))
                .request(RequestIds.of(request), request.getMethodName(), request.getPath());
            if (admitted != null) {
                AuditEvent.Principal actor = admitted.global() ? ADMIN : new AuditEvent.Principal(admitted.subject(), admitted.method());
                event.principal(actor.subject(), actor.method()).tenant(admitted.tenant());
            } else if (refused != null) {
                event.principal(refused.subject(), refused.method()).tenant(refused.tenant());
            }
            log.record(event.build());
            return;
        }
        if (audited == null) {
            return;
        }
        boolean made = status >= 200 && status < 300;
        if (!made && credentials.refusal(request).isPresent()) {
            // Refused before the endpoint ran (no admin API configured): not an admin's change.
            return;
        }
        Object body = response.getBody().orElse(null);
        Resolver resolver = new Resolver(match.getVariableValues(), body);
        AuditEvent.Principal actor = admitted == null || admitted.global() ? ADMIN : new AuditEvent.Principal(admitted.subject(), admitted.method());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", status);
        for (String detail : audited.stringValues("details")) {
            int equals = detail.indexOf('=');
            String value = equals > 0 ? resolver.expand(detail.substring(equals + 1)) : null;
            if (value != null) {
                details.put(detail.substring(0, equals), value);
            }
        }
        log.record(AuditEvent.builder(AuditEvent.Category.ADMIN, action(audited, status, resolver))
            .decision(made ? AuditEvent.Decision.ALLOW : AuditEvent.Decision.DENY, made ? null : reason(body, status))
            .principal(actor.subject(), actor.method())
            .tenant(admitted == null ? null : admitted.tenant())
            .request(RequestIds.of(request), request.getMethodName(), request.getPath())
            .target(resolver.expand(audited.stringValue("target").orElse("")))
            .details(details)
            .build());
    }

    private static String action(AnnotationValue<Audited> audited, int status, Resolver resolver) {
        String action = audited.stringValue().orElse("admin.change");
        String created = audited.stringValue("created").orElse("");
        if (status == 201 && !created.isEmpty()) {
            action = created;
        }
        String variant = audited.stringValue("variant").orElse("");
        int equals = variant.indexOf('=');
        if (equals > 0 && status < 300 && resolver.value(variant.substring(0, equals)) != null) {
            action = variant.substring(equals + 1);
        }
        return action;
    }

    private static String detailReason(Object body, int status) {
        if (body instanceof ErrorEnvelope envelope && envelope.error() != null && envelope.error().details() != null
            && envelope.error().details().get("reason") != null) {
            return String.valueOf(envelope.error().details().get("reason"));
        }
        return reason(body, status);
    }

    private static String reason(Object body, int status) {
        if (body instanceof ErrorEnvelope envelope && envelope.error() != null) {
            return envelope.error().code();
        }
        return "status_" + status;
    }

    @Override
    public int getOrder() {
        // Before the admin credential check, so that its 401 passes through here on the way out.
        return ServerFilterPhase.SECURITY.before();
    }

    /** Expands templates over path variables and the answer's body, read as JSON once if needed. */
    private final class Resolver {

        private final Map<String, Object> variables;
        private final Object body;
        private JsonNode tree;

        Resolver(Map<String, Object> variables, Object body) {
            this.variables = variables;
            this.body = body;
        }

        /** @return the template with every placeholder replaced, or {@code null} when one has no value */
        String expand(String template) {
            if (template.isEmpty()) {
                return null;
            }
            Matcher m = PLACEHOLDER.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = value(m.group(1));
                if (value == null) {
                    return null;
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return out.toString();
        }

        String value(String name) {
            if (!name.startsWith("body.")) {
                Object value = variables.get(name);
                return value == null ? null : String.valueOf(value);
            }
            JsonNode node = tree();
            for (String field : name.substring(5).split("\\.")) {
                node = node == null || !node.isObject() ? null : node.get(field);
            }
            if (node == null || node.isNull() || node.isContainerNode()) {
                return node != null && node.isContainerNode() ? "present" : null;
            }
            return node.isString() ? node.getStringValue() : node.getValue().toString();
        }

        private JsonNode tree() {
            if (tree == null && body != null) {
                try {
                    tree = json.writeValueToTree(body);
                } catch (IOException | RuntimeException e) {
                    tree = JsonNode.nullNode();
                }
            }
            return tree;
        }
    }
}
