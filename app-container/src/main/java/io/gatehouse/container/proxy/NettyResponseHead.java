package io.gatehouse.container.proxy;

import io.gatehouse.policy.ResponseHead;
import io.micronaut.core.annotation.Internal;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.ArrayList;
import java.util.List;

/**
 * A response written by a Netty handler (the streaming engine's, or an early refusal of the
 * container's front door) as response-side policy steps see it.
 *
 * @param status  its status
 * @param headers its headers, changed in place
 * @param body    its whole body when the engine has it (a step's own answer), else {@code null}
 */
@Internal
public record NettyResponseHead(int status, HttpHeaders headers, byte[] body) implements ResponseHead {

    @Override
    public String header(String name) {
        return headers.get(name);
    }

    @Override
    public List<String> headers(String name) {
        return headers.getAll(name);
    }

    @Override
    public void set(String name, String value) {
        headers.set(name, value);
    }

    @Override
    public void add(String name, String value) {
        headers.add(name, value);
    }

    @Override
    public void remove(String name) {
        headers.remove(name);
    }

    @Override
    public List<String> names() {
        return new ArrayList<>(headers.names());
    }
}
