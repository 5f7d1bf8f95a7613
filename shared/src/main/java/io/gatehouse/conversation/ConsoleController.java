package io.gatehouse.conversation;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.swagger.v3.oas.annotations.Hidden;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /v1/console}: a page to try the session API live. It holds no data: the browser opens
 * or picks a session, sends messages and actions through {@code /v1/session/*} with the caller's own
 * credential (a bearer token typed into the page, or the login session's cookie), and watches the
 * session's event stream, resuming with {@code Last-Event-ID} after a disconnect. On by default in
 * the container; off with {@code gateway.console.enabled=false} (Lambda turns it off: a stream does
 * not outlive an invocation there).
 */
@Controller("/v1/console")
@Hidden
@Requires(property = ConsoleController.ENABLED, notEquals = StringUtils.FALSE)
final class ConsoleController {

    /** The switch of the console. */
    static final String ENABLED = "gateway.console.enabled";

    private final String page;

    ConsoleController() {
        try (InputStream in = ConsoleController.class.getResourceAsStream("/console/index.html")) {
            this.page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Get
    @Produces(MediaType.TEXT_HTML)
    HttpResponse<String> page() {
        return HttpResponse.ok(page)
            .header("Cache-Control", "no-store")
            .header("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    }
}
