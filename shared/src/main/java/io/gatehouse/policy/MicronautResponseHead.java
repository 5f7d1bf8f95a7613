package io.gatehouse.policy;

import io.micronaut.http.MutableHttpResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * A Micronaut response as response-side steps see it.
 *
 * @param response the response, changed in place
 */
record MicronautResponseHead(MutableHttpResponse<?> response) implements ResponseHead {

    @Override
    public int status() {
        return response.code();
    }

    @Override
    public String header(String name) {
        return response.getHeaders().get(name);
    }

    @Override
    public List<String> headers(String name) {
        return response.getHeaders().getAll(name);
    }

    @Override
    public void set(String name, String value) {
        response.getHeaders().set(name, value);
    }

    @Override
    public void add(String name, String value) {
        response.getHeaders().add(name, value);
    }

    @Override
    public void remove(String name) {
        response.getHeaders().remove(name);
    }

    @Override
    public List<String> names() {
        return new ArrayList<>(response.getHeaders().names());
    }

    @Override
    public byte[] body() {
        Object body = response.body();
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        return body == null ? new byte[0] : null;
    }
}
