package io.gatehouse.contract;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.swagger.v3.oas.annotations.Hidden;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /contract/owned-endpoints}, only under {@code spec.name=contract}: every endpoint of
 * Micronaut's {@link Router} in the gateway under test, as {@code template}, {@code method},
 * {@code consumes} and {@code produces}, so {@link OwnedPathsContractTest} covers every
 * gateway-owned path, a future one included, on every runtime.
 */
@Hidden
@Controller("/contract/owned-endpoints")
@Requires(property = "spec.name", value = ContractTestBase.SPEC)
class OwnedEndpointsFixture {

    private final Router router;

    OwnedEndpointsFixture(Router router) {
        this.router = router;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    List<Map<String, Object>> endpoints() {
        return router.uriRoutes()
            .sorted(Comparator.comparing((UriRouteInfo<?, ?> r) -> r.getUriMatchTemplate().toString())
                .thenComparing(UriRouteInfo::getHttpMethodName))
            .map(OwnedEndpointsFixture::describe)
            .toList();
    }

    private static Map<String, Object> describe(UriRouteInfo<?, ?> route) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("template", route.getUriMatchTemplate().toString());
        out.put("method", route.getHttpMethodName());
        out.put("consumes", route.getConsumes().stream().map(MediaType::toString).toList());
        out.put("produces", route.getProduces().stream().map(MediaType::toString).toList());
        return out;
    }
}
