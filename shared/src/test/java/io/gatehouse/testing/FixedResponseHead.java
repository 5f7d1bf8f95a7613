package io.gatehouse.testing;

import io.gatehouse.policy.ResponseHead;

import java.util.List;

/**
 * A response head with a status and no headers, that ignores changes: for tests that run a
 * policy chain's response side without an engine.
 *
 * @param status the status
 */
public record FixedResponseHead(int status) implements ResponseHead {

    @Override
    public String header(String name) {
        return null;
    }

    @Override
    public List<String> headers(String name) {
        return List.of();
    }

    @Override
    public void set(String name, String value) {
    }

    @Override
    public void add(String name, String value) {
    }

    @Override
    public void remove(String name) {
    }

    @Override
    public List<String> names() {
        return List.of();
    }
}
