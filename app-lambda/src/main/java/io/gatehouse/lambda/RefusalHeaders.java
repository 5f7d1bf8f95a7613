package io.gatehouse.lambda;

import io.gatehouse.policy.PolicyChains;
import io.gatehouse.policy.ResponseHead;
import io.micronaut.context.ApplicationContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The headers of an answer built without Micronaut's HTTP layer (an event refused before
 * micronaut-aws reads it), with the response side of the gateway's own policy chain applied, so it
 * carries the security headers every response carries. API Gateway endpoints are HTTPS only.
 */
final class RefusalHeaders {

    private RefusalHeaders() {
    }

    /**
     * @param context the application context
     * @param status  the answer's status
     * @param headers its headers
     * @return the headers every response carries added to them
     */
    static Map<String, String> of(ApplicationContext context, int status, Map<String, String> headers) {
        MapHead head = new MapHead(status, new LinkedHashMap<>(headers));
        context.getBean(PolicyChains.class).ownResponse(head, true);
        return head.headers();
    }

    /** One value per header, as the payloads' single-value maps carry them. */
    private record MapHead(int status, Map<String, String> headers) implements ResponseHead {

        @Override
        public String header(String name) {
            return headers.get(key(name));
        }

        @Override
        public List<String> headers(String name) {
            String value = header(name);
            return value == null ? List.of() : List.of(value);
        }

        @Override
        public void set(String name, String value) {
            String existing = key(name);
            headers.remove(existing);
            headers.put(name, value);
        }

        @Override
        public void add(String name, String value) {
            String existing = header(name);
            set(name, existing == null ? value : existing + ", " + value);
        }

        @Override
        public void remove(String name) {
            headers.remove(key(name));
        }

        @Override
        public List<String> names() {
            return new ArrayList<>(headers.keySet());
        }

        private String key(String name) {
            for (String key : headers.keySet()) {
                if (key.equalsIgnoreCase(name)) {
                    return key;
                }
            }
            return name;
        }
    }
}
