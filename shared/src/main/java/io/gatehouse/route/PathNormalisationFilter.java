package io.gatehouse.route;

import io.gatehouse.error.ErrorResponses;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.annotation.Internal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import jakarta.inject.Singleton;

/**
 * Normalises the path of every request that passes through Micronaut's HTTP layer, before any
 * other filter but the response stamp: the result is stored for {@link RequestPath#of}, and a path
 * the {@link PathNormaliser} refuses is answered here with 400 {@code invalid_path}, before any
 * route, authentication or gateway endpoint runs.
 */
@Internal
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class PathNormalisationFilter implements Ordered {

    private final PathNormaliser normaliser;
    private final ErrorResponses errors;
    private final RawPathResolver rawPaths;

    PathNormalisationFilter(PathNormaliser normaliser, ErrorResponses errors, @Nullable RawPathResolver rawPaths) {
        this.normaliser = normaliser;
        this.errors = errors;
        this.rawPaths = rawPaths == null ? RequestPath::raw : rawPaths;
    }

    @RequestFilter
    @Nullable
    MutableHttpResponse<?> normalise(HttpRequest<?> request) {
        try {
            request.setAttribute(RequestPath.ATTRIBUTE, normaliser.normalise(rawPaths.rawPath(request)));
            return null;
        } catch (PathNormaliser.InvalidPathException e) {
            return errors.response(request, e.errorCode(), e.getMessage(), e.details());
        }
    }

    @Override
    public int getOrder() {
        // After ResponseStampFilter (FIRST.before()), so a refusal carries the request id.
        return ServerFilterPhase.FIRST.order();
    }

    /**
     * The one {@link PathNormaliser} of the application, built from its settings.
     */
    @Factory
    static final class Normalisers {

        @Singleton
        PathNormaliser pathNormaliser(PathNormalisationConfiguration configuration) {
            return configuration.normaliser();
        }
    }
}
