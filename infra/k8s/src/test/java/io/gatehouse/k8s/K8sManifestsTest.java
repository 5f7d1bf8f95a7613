package io.gatehouse.k8s;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes manifests of {@code infra/k8s}, parsed with SnakeYAML (no cluster, no schema
 * validator here) and held to what the gateway needs of them: the probes on the gateway's own
 * paths and port, a termination grace period that covers the {@code preStop} sleep plus the
 * drain's periods, the image's user and port, a read-only root with {@code /tmp} writable,
 * secrets by reference only, requests at least the measured resident set, and the Service, HPA and
 * PodDisruptionBudget pointing at the Deployment's pods. The kustomizations must name files that
 * exist, and the route file in the ConfigMap must be YAML with routes and upstreams.
 */
class K8sManifestsTest {

    private static final Path ROOT = Path.of(System.getProperty("gatehouse.root", "../..")).toAbsolutePath().normalize();
    private static final Path BASE = ROOT.resolve("infra/k8s/base");
    private static final Path OVERLAY = ROOT.resolve("infra/k8s/overlays/production");

    /** The resident set at ready, measured (docs/performance.md, Start-up): 231-257 MiB. */
    private static final long MEASURED_RSS_MIB = 257;

    private static final String LABEL = "app.kubernetes.io/name";

    @Test
    void kustomizationsNameFilesThatExist() throws IOException {
        Map<String, Object> base = single(BASE.resolve("kustomization.yaml"));
        List<String> resources = strings(base.get("resources"));
        assertEquals(List.of("serviceaccount.yaml", "configmap.yaml", "deployment.yaml", "service.yaml", "hpa.yaml", "pdb.yaml"),
            resources);
        for (String resource : resources) {
            assertTrue(Files.isRegularFile(BASE.resolve(resource)), resource);
        }
        Map<String, Object> overlay = single(OVERLAY.resolve("kustomization.yaml"));
        assertEquals(List.of("../../base"), strings(overlay.get("resources")));
        for (Object patch : list(overlay.get("patches"))) {
            Object path = map(patch).get("path");
            if (path != null) {
                assertTrue(Files.isRegularFile(OVERLAY.resolve((String) path)), path.toString());
            }
        }
    }

    @Test
    void deployment_probesDrainAndSecurity() throws IOException {
        Map<String, Object> deployment = resource("Deployment");
        Map<String, Object> pod = at(deployment, "spec", "template", "spec");
        Map<String, Object> container = map(list(pod.get("containers")).getFirst());

        // The image's port and user (app-container's image profile).
        String imagePom = Files.readString(ROOT.resolve("app-container/pom.xml"));
        Map<String, Object> port = map(list(container.get("ports")).getFirst());
        assertEquals(Integer.parseInt(between(imagePom, "<port>", "</port>")), port.get("containerPort"));
        assertEquals("http", port.get("name"));
        assertEquals(String.valueOf(port.get("containerPort")), env(container, "MICRONAUT_SERVER_PORT"));
        String[] user = between(imagePom, "<user>", "</user>").split(":");
        Map<String, Object> podSecurity = map(pod.get("securityContext"));
        assertEquals(Boolean.TRUE, podSecurity.get("runAsNonRoot"));
        assertEquals(Integer.parseInt(user[0]), podSecurity.get("runAsUser"));
        assertEquals(Integer.parseInt(user[1]), podSecurity.get("runAsGroup"));
        Map<String, Object> security = map(container.get("securityContext"));
        assertEquals(Boolean.TRUE, security.get("readOnlyRootFilesystem"));
        assertEquals(Boolean.FALSE, security.get("allowPrivilegeEscalation"));
        assertEquals(List.of("ALL"), strings(at(security, "capabilities").get("drop")));
        assertEquals(Boolean.FALSE, pod.get("automountServiceAccountToken"));

        // Probes: readiness and liveness on the gateway's own paths, on the named port.
        assertEquals("/v1/health/ready", at(container, "readinessProbe", "httpGet").get("path"));
        assertEquals("/v1/health/live", at(container, "livenessProbe", "httpGet").get("path"));
        assertEquals("/v1/health/live", at(container, "startupProbe", "httpGet").get("path"));
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertEquals("http", at(container, probe, "httpGet").get("port"), probe);
        }

        // The drain: the kill deadline covers preStop + accept period + grace period, with a margin.
        long preStop = ((Number) at(container, "lifecycle", "preStop", "sleep").get("seconds")).longValue();
        long accept = duration(env(container, "GATEWAY_SHUTDOWN_ACCEPT_PERIOD")).toSeconds();
        long grace = duration(env(container, "GATEWAY_SHUTDOWN_GRACE_PERIOD")).toSeconds();
        long deadline = ((Number) pod.get("terminationGracePeriodSeconds")).longValue();
        assertTrue(deadline >= preStop + accept + grace + 5,
            "terminationGracePeriodSeconds " + deadline + " < preStop " + preStop + " + accept " + accept + " + grace " + grace + " + 5");
        Map<String, Object> rolling = at(deployment, "spec", "strategy", "rollingUpdate");
        assertEquals(0, rolling.get("maxUnavailable"), "a rolling update never drops below the replicas");

        // Resources: requests at least the measured resident set; a memory limit; no CPU limit.
        Map<String, Object> resources = map(container.get("resources"));
        assertTrue(mebibytes(at(resources, "requests").get("memory")) >= MEASURED_RSS_MIB, resources.toString());
        assertTrue(mebibytes(at(resources, "limits").get("memory")) >= 2 * MEASURED_RSS_MIB, resources.toString());
        assertNotNull(at(resources, "requests").get("cpu"));
        assertFalse(at(resources, "limits").containsKey("cpu"), "no CPU limit: throttling stalls the event loops");

        // Volumes: the route file from the ConfigMap where GATEHOUSE_CONFIG points; /tmp writable.
        Map<String, String> mounts = new java.util.HashMap<>();
        for (Object mount : list(container.get("volumeMounts"))) {
            mounts.put((String) map(mount).get("mountPath"), (String) map(mount).get("name"));
        }
        String config = env(container, "GATEHOUSE_CONFIG");
        String configDir = config.substring(0, config.lastIndexOf('/'));
        String routesVolume = mounts.get(configDir);
        assertNotNull(routesVolume, "a volume at " + configDir + ": " + mounts);
        assertNotNull(mounts.get("/tmp"), "/tmp is writable with a read-only root: " + mounts);
        Map<String, Object> volumes = new java.util.HashMap<>();
        for (Object volume : list(pod.get("volumes"))) {
            volumes.put((String) map(volume).get("name"), volume);
        }
        String configMap = (String) at(map(volumes.get(routesVolume)), "configMap").get("name");
        Map<String, Object> routes = resource("ConfigMap");
        assertEquals(configMap, at(routes, "metadata").get("name"));
        String file = config.substring(config.lastIndexOf('/') + 1);
        Map<String, Object> definition = yaml().load((String) at(routes, "data").get(file));
        assertTrue(definition.containsKey("routes") && definition.containsKey("upstreams"), definition.toString());
        assertTrue(map(volumes.get("tmp")).containsKey("emptyDir"));

        // Secrets by reference only: nothing that looks like one has a value in the manifest.
        for (Object e : list(container.get("env"))) {
            Map<String, Object> variable = map(e);
            String name = (String) variable.get("name");
            if (name.matches(".*(SECRET|TOKEN|PASSWORD).*")) {
                assertFalse(variable.containsKey("value"), name + " has a value in the manifest");
                assertEquals("gatehouse-secrets", at(variable, "valueFrom", "secretKeyRef").get("name"), name);
            }
        }
        assertEquals("gatehouse", pod.get("serviceAccountName"));
        assertEquals("ServiceAccount", resource("ServiceAccount").get("kind"));
    }

    @Test
    void serviceHpaAndBudgetSelectTheDeployment() throws IOException {
        Map<String, Object> deployment = resource("Deployment");
        Object podLabel = at(deployment, "spec", "template", "metadata", "labels").get(LABEL);
        assertEquals(podLabel, at(deployment, "spec", "selector", "matchLabels").get(LABEL));

        Map<String, Object> service = resource("Service");
        assertEquals(podLabel, at(service, "spec", "selector").get(LABEL));
        Map<String, Object> servicePort = map(list(at(service, "spec").get("ports")).getFirst());
        assertEquals("http", servicePort.get("targetPort"), "the container's named port");

        Map<String, Object> hpa = resource("HorizontalPodAutoscaler");
        assertEquals("autoscaling/v2", hpa.get("apiVersion"));
        assertEquals("Deployment", at(hpa, "spec", "scaleTargetRef").get("kind"));
        assertEquals(at(deployment, "metadata").get("name"), at(hpa, "spec", "scaleTargetRef").get("name"));
        int min = ((Number) at(hpa, "spec").get("minReplicas")).intValue();
        assertTrue(min >= 2, "at least two replicas, so that a drain never leaves none");
        assertTrue(((Number) at(hpa, "spec").get("maxReplicas")).intValue() > min);

        Map<String, Object> pdb = resource("PodDisruptionBudget");
        assertEquals("policy/v1", pdb.get("apiVersion"));
        assertEquals(podLabel, at(pdb, "spec", "selector", "matchLabels").get(LABEL));
        assertTrue(((Number) at(pdb, "spec").get("maxUnavailable")).intValue() < min,
            "the budget leaves a replica up at the HPA's minimum");
    }

    @Test
    void productionOverlayPatchesNamesOfTheBase() throws IOException {
        Map<String, Object> patch = single(OVERLAY.resolve("distributed.yaml"));
        assertEquals(at(resource("Deployment"), "metadata").get("name"), at(patch, "metadata").get("name"));
        Map<String, Object> container = map(list(at(patch, "spec", "template", "spec").get("containers")).getFirst());
        assertEquals("gatehouse", container.get("name"));
        assertTrue(env(container, "DATASOURCES_DEFAULT_URL").startsWith("jdbc:postgresql://"));
        Map<String, Object> overlay = single(OVERLAY.resolve("kustomization.yaml"));
        assertEquals("gatehouse", map(list(overlay.get("images")).getFirst()).get("name"), "replaces the base's image");
    }

    // ------------------------------------------------------------------ helpers

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    private static Map<String, Object> single(Path file) throws IOException {
        return map(yaml().load(Files.readString(file)));
    }

    /** The one document of this kind among the base's resources. */
    private static Map<String, Object> resource(String kind) throws IOException {
        List<Map<String, Object>> found = new ArrayList<>();
        for (String name : strings(single(BASE.resolve("kustomization.yaml")).get("resources"))) {
            for (Object document : yaml().loadAll(Files.readString(BASE.resolve(name)))) {
                if (document != null && kind.equals(map(document).get("kind"))) {
                    found.add(map(document));
                }
            }
        }
        assertEquals(1, found.size(), "one " + kind);
        return found.getFirst();
    }

    private static String env(Map<String, Object> container, String name) {
        for (Object e : list(container.get("env"))) {
            if (name.equals(map(e).get("name"))) {
                return Objects.toString(map(e).get("value"));
            }
        }
        throw new AssertionError("no " + name + " in the container's env");
    }

    private static Duration duration(String value) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m)").matcher(value);
        assertTrue(m.matches(), value);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    private static long mebibytes(Object quantity) {
        Matcher m = Pattern.compile("(\\d+)(Mi|Gi)").matcher(String.valueOf(quantity));
        assertTrue(m.matches(), "a quantity in Mi or Gi: " + quantity);
        return Long.parseLong(m.group(1)) * ("Gi".equals(m.group(2)) ? 1024 : 1);
    }

    private static String between(String text, String open, String close) {
        int start = text.indexOf(open);
        assertTrue(start >= 0, open);
        return text.substring(start + open.length(), text.indexOf(close, start)).strip();
    }

    private static Map<String, Object> at(Map<String, Object> node, String... path) {
        Map<String, Object> current = node;
        for (String key : path) {
            assertNotNull(current.get(key), "no " + key + " in " + current);
            current = map(current.get(key));
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        assertTrue(node instanceof Map, "a mapping: " + node);
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node) {
        assertTrue(node instanceof List, "a sequence: " + node);
        return (List<Object>) node;
    }

    private static List<String> strings(Object node) {
        return list(node).stream().map(String::valueOf).toList();
    }
}
