package dev.para.dispatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

/** The chart operators install: lint, the objects it renders, and its values schema. */
class HelmChartTest {

    /**
     * Session Jobs use {@code backoffLimitPerIndex}, on by default since Kubernetes 1.29: the chart
     * says so, and the release workflow publishes images under the chart's version.
     */
    /** The alert rules come with the ServiceMonitor, as a PrometheusRule holding exactly files/alerts.yaml. */
    @Test
    void alertRulesComeWithTheServiceMonitor() throws IOException {
        assertTrue(Chart.render().all(PrometheusRule.class).isEmpty(), "off by default");
        PrometheusRule rule =
                Chart.render(Map.of("serviceMonitor.enabled", true)).one(PrometheusRule.class);
        Map<String, Object> file;
        try (Reader in = Files.newBufferedReader(AlertRulesTest.RULES)) {
            file = new Yaml().load(in);
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rules = (List<Map<String, Object>>)
                ((List<Map<String, Object>>) file.get("groups")).get(0).get("rules");
        assertEquals(
                rules.stream().map(r -> r.get("alert")).toList(),
                rule.getSpec().getGroups().get(0).getRules().stream()
                        .map(r -> r.getAlert())
                        .toList());
        assertEquals(
                rules.get(0).get("expr"),
                rule.getSpec().getGroups().get(0).getRules().get(0).getExpr().getStrVal());
        assertTrue(Chart.render(Map.of("serviceMonitor.enabled", true, "prometheusRule.enabled", false))
                .all(PrometheusRule.class)
                .isEmpty());
        assertEquals(
                1,
                Chart.render(Map.of("prometheusRule.enabled", true))
                        .all(PrometheusRule.class)
                        .size());
    }

    @Test
    void declaresTheKubernetesFloorAndTheReleaseUsesTheChartsVersion() throws IOException {
        Map<String, Object> chart;
        try (Reader in = Files.newBufferedReader(Chart.DIR.resolve("Chart.yaml"))) {
            chart = new Yaml().load(in);
        }
        assertEquals(">=1.29.0-0", chart.get("kubeVersion"));
        assertEquals(chart.get("version"), chart.get("appVersion"), "one version for the chart and its images");
        String release = Files.readString(Path.of(".github/workflows/release.yml"));
        assertTrue(
                release.contains("helm/para-dispatch/Chart.yaml")
                        && release.contains("para-dispatch:${{ steps.version.outputs.version }}")
                        && release.contains("agent:${{ steps.version.outputs.version }}")
                        && release.contains("helm push"),
                release);
        Deployment service = Chart.render().one(Deployment.class);
        assertTrue(
                service.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage()
                        .endsWith("/para-dispatch:" + chart.get("appVersion")),
                "the chart's default image is the release's");
    }

    @Test
    void lintsCleanInStrictMode() {
        LintResult lint = new Helm(Chart.DIR).lint().strict().call();
        assertFalse(lint.isFailed(), () -> String.join("\n", lint.getMessages()));
    }

    @Test
    void defaultsRenderAHardenedDeploymentWithProbesAndSpread() {
        Chart.Rendered chart = Chart.render();
        Deployment deployment = chart.one(Deployment.class);
        assertEquals(2, deployment.getSpec().getReplicas());
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertEquals(
                "RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        Container container = pod.getContainers().get(0);
        assertFalse(container.getSecurityContext().getAllowPrivilegeEscalation());
        assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(
                List.of("ALL"), container.getSecurityContext().getCapabilities().getDrop());
        assertEquals("/q/health/live", container.getLivenessProbe().getHttpGet().getPath());
        assertEquals(
                "/q/health/ready", container.getReadinessProbe().getHttpGet().getPath());
        assertEquals(
                "/q/health/started", container.getStartupProbe().getHttpGet().getPath());
        assertEquals("768Mi", container.getResources().getLimits().get("memory").toString());
        assertEquals(
                "kubernetes.io/hostname",
                pod.getTopologySpreadConstraints().get(0).getTopologyKey());
        assertEquals(
                deployment.getSpec().getSelector().getMatchLabels(),
                pod.getTopologySpreadConstraints().get(0).getLabelSelector().getMatchLabels());
        assertEquals(
                deployment.getSpec().getSelector().getMatchLabels(),
                chart.one(Service.class).getSpec().getSelector());
        assertEquals(
                pod.getServiceAccountName(),
                chart.one(ServiceAccount.class).getMetadata().getName());
        assertEquals(
                1,
                chart.one(PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal());
        assertTrue(chart.all(ServiceMonitor.class).isEmpty());
        assertTrue(chart.all(Ingress.class).isEmpty());
        // The database defaults are CloudNativePG's (docs/operations.md): its Secret, not ours.
        assertEquals(
                "para-dispatch-db-app",
                secretRef(container, "QUARKUS_DATASOURCE_PASSWORD").getName());
        assertEquals(
                "postgresql://para-dispatch-db-rw:5432/para_dispatch?sslmode=prefer",
                chart.applicationProperties().get("quarkus.datasource.reactive.url"));
    }

    @Test
    void sessionRbacIsLeastPrivilegeAndLivesInTheSessionsNamespace() {
        Chart.Rendered chart = Chart.render(Map.of("sessionsNamespace", "agents"));
        Role role = chart.one(Role.class);
        assertEquals("agents", role.getMetadata().getNamespace());
        Map<String, Set<String>> verbs = role.getRules().stream()
                .flatMap(rule -> rule.getResources().stream()
                        .map(resource -> Map.entry(resource, new TreeSet<>(rule.getVerbs()))))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertEquals(
                Map.of(
                        "jobs", Set.of("create", "delete", "get", "list", "watch"),
                        "secrets", Set.of("create", "delete", "get", "patch", "update"),
                        "configmaps", Set.of("create", "get"),
                        "pods", Set.of("get", "list", "watch"),
                        "pods/log", Set.of("get")),
                verbs);
        assertTrue(role.getRules().stream()
                .map(PolicyRule::getApiGroups)
                .flatMap(List::stream)
                .allMatch(group -> group.isEmpty() || group.equals("batch")));
        RoleBinding binding = chart.one(RoleBinding.class);
        assertEquals("agents", binding.getMetadata().getNamespace());
        assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
        assertEquals(Chart.NAMESPACE, binding.getSubjects().get(0).getNamespace());
        assertEquals(
                chart.one(ServiceAccount.class).getMetadata().getName(),
                binding.getSubjects().get(0).getName());
        assertEquals("agents", chart.applicationProperties().get("para.kubernetes.namespace"));
        assertEquals(
                "agents",
                chart.named(NetworkPolicy.class, "para-dispatch-sessions")
                        .getMetadata()
                        .getNamespace());
    }

    @Test
    void chartOwnedSecretsHoldTheValuesAndNothingSecretReachesTheConfigMap() {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        Chart.Rendered chart = Chart.render(Map.of(
                "database.existingSecret",
                "",
                "database.password",
                "db-pass-123",
                "github.appId",
                "4242",
                "github.privateKey",
                "-----BEGIN RSA PRIVATE KEY-----",
                "github.webhookSecret",
                "hook-secret-456",
                "sealing.keys.k7",
                key,
                "sealing.activeKey",
                "k7"));
        Secret secret = chart.named(Secret.class, "para-dispatch");
        assertEquals("db-pass-123", decode(secret, "database-password"));
        assertEquals("hook-secret-456", decode(secret, "github-webhook-secret"));
        assertEquals(key, decode(chart.named(Secret.class, "para-dispatch-sealing"), "k7"));
        Map<String, String> properties = chart.applicationProperties();
        assertEquals("4242", properties.get("para.github.app-id"));
        assertEquals("k7", properties.get("para.crypto.active-key"));
        String configMap = properties.toString();
        for (String secretValue : List.of("db-pass-123", "hook-secret-456", "PRIVATE KEY", key)) {
            assertFalse(configMap.contains(secretValue), secretValue);
        }
        Container container = chart.one(Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        assertEquals(
                "database-password",
                secretRef(container, "QUARKUS_DATASOURCE_PASSWORD").getKey());
        assertTrue(container.getEnv().stream()
                .allMatch(env -> env.getValue() == null || !env.getValue().contains("secret")));
    }

    /**
     * With no key given, the sealing key is generated by a pre-install hook: made once, never
     * rendered again by an upgrade, kept on uninstall. (The Helm library renders no hooks, so the
     * template is read; the install's notes tell the operator to back it up.)
     */
    @Test
    void generatedSealingKeyIsMadeOnceAtInstallAndKept() throws IOException {
        Chart.Rendered chart = Chart.render();
        assertTrue(chart.all(Secret.class).stream()
                .noneMatch(s -> s.getMetadata().getName().endsWith("-sealing")));
        var pod = chart.one(Deployment.class).getSpec().getTemplate().getSpec();
        assertEquals(
                "para-dispatch-sealing",
                volume(pod.getVolumes(), "sealing-keys").getSecret().getSecretName());
        String template = Files.readString(Chart.DIR.resolve("templates/secret.yaml"));
        assertTrue(template.contains("helm.sh/hook: pre-install")
                && template.contains("randBytes 32 | b64enc")
                && template.contains("helm.sh/resource-policy: keep"));
        String notes = new Helm(Chart.DIR)
                .install()
                .withName(Chart.RELEASE)
                .withNamespace(Chart.NAMESPACE)
                .clientOnly()
                .withKubeVersion(Chart.KUBE_VERSION)
                .dryRun()
                .call()
                .getOutput();
        assertTrue(notes.contains("The sealing key was generated into Secret para-dispatch-sealing"), notes);
        assertTrue(notes.contains("/github/app-manifest?setup_secret=$SETUP_SECRET"), notes);
        assertTrue(notes.contains("kubectl -n para-dispatch get secret para-dispatch-setup"), notes);
    }

    /** The App manifest flow's setup secret: made once at install, kept, and handed to the service only as a Secret. */
    @Test
    void setupSecretIsMadeOnceAtInstallAndReachesTheServiceFromItsSecret() throws IOException {
        String template = Files.readString(Chart.DIR.resolve("templates/secret.yaml"));
        int setup = template.indexOf("name: {{ $fullname }}-setup");
        String setupSecret = template.substring(setup, template.indexOf("---", setup));
        assertTrue(
                setupSecret.contains("helm.sh/hook: pre-install")
                        && setupSecret.contains("randAlphaNum 40 | b64enc")
                        && setupSecret.contains("helm.sh/resource-policy: keep"),
                setupSecret);
        Container container = Chart.render()
                .one(Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        var ref = secretRef(container, "PARA_GITHUB_APP_MANIFEST_SETUP_SECRET");
        assertEquals("para-dispatch-setup", ref.getName());
        assertEquals("app-manifest-setup-secret", ref.getKey());
        Container own = Chart.render(Map.of("github.existingSecret", "gh-app"))
                .one(Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        assertEquals(
                "gh-app",
                secretRef(own, "PARA_GITHUB_APP_MANIFEST_SETUP_SECRET").getName());
    }

    @Test
    void existingSecretsReplaceTheChartsOwn() {
        Chart.Rendered chart = Chart.render(Map.of(
                "github.existingSecret",
                "gh-app",
                "database.existingSecret",
                "pg-app",
                "database.existingSecretPasswordKey",
                "pw",
                "sealing.existingSecret",
                "sealing-ring"));
        assertTrue(chart.all(Secret.class).isEmpty());
        var pod = chart.one(Deployment.class).getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);
        assertEquals(
                "pg-app", secretRef(container, "QUARKUS_DATASOURCE_PASSWORD").getName());
        assertEquals("pw", secretRef(container, "QUARKUS_DATASOURCE_PASSWORD").getKey());
        assertEquals(
                "gh-app", secretRef(container, "PARA_GITHUB_WEBHOOK_SECRET").getName());
        assertEquals("gh-app", volume(pod.getVolumes(), "github").getSecret().getSecretName());
        assertEquals(
                "sealing-ring",
                volume(pod.getVolumes(), "sealing-keys").getSecret().getSecretName());
    }

    @Test
    void serviceMonitorScrapesMetricsWhenAsked() {
        ServiceMonitor monitor = Chart.render(
                        Map.of("serviceMonitor.enabled", true, "serviceMonitor.labels.release", "kube-prometheus"))
                .one(ServiceMonitor.class);
        assertEquals("/q/metrics", monitor.getSpec().getEndpoints().get(0).getPath());
        assertEquals("http", monitor.getSpec().getEndpoints().get(0).getPort());
        assertEquals("kube-prometheus", monitor.getMetadata().getLabels().get("release"));
    }

    @Test
    void networkPolicyLetsSessionPodsReachOnlyDnsAndTheAllowList() {
        NetworkPolicy policy = Chart.render().named(NetworkPolicy.class, "para-dispatch-sessions");
        assertEquals(
                Map.of("app.kubernetes.io/managed-by", "para-dispatch", "app.kubernetes.io/component", "session"),
                policy.getSpec().getPodSelector().getMatchLabels());
        assertEquals(List.of("Ingress", "Egress"), policy.getSpec().getPolicyTypes());
        assertTrue(policy.getSpec().getIngress().isEmpty());
        assertEquals(
                53,
                policy.getSpec().getEgress().get(0).getPorts().get(0).getPort().getIntVal());

        assertTrue(Chart.render(Map.of("networkPolicy.enabled", false)).all(NetworkPolicy.class).stream()
                .noneMatch(p -> p.getMetadata().getName().endsWith("-sessions")));
    }

    /** By default only GitHub and the Anthropic API, on 443: any other public address is denied. */
    @ParameterizedTest(name = "{0}:{1} allowed: {2}")
    @CsvSource({
        "140.82.112.3, 443, true", // github.com
        "185.199.108.133, 443, true", // GitHub's CDN (raw, objects)
        "160.79.104.10, 443, true", // api.anthropic.com
        "2606:50c0:8000::154, 443, true",
        "140.82.112.3, 22, false", // git over SSH: not used, not allowed
        "8.8.8.8, 443, false", // a public address outside the list
        "1.1.1.1, 80, false",
        "104.16.0.1, 443, false", // registry.npmjs.org: not without the packages group
        "10.0.0.5, 443, false", // inside the cluster
        "169.254.169.254, 80, false", // the cloud metadata service
    })
    void sessionEgressIsDeniedByDefaultButForTheNamedGroups(String address, int port, boolean allowed)
            throws Exception {
        NetworkPolicy policy = Chart.render().named(NetworkPolicy.class, "para-dispatch-sessions");
        assertEquals(allowed, allows(policy, address, port));
    }

    @Test
    void operatorsAddMirrorsToThePackagesGroupAndChooseTheGroups() throws Exception {
        NetworkPolicy withMirror = Chart.render(Map.of("networkPolicy.groups.packages.cidrs[0]", "104.16.0.0/13"))
                .named(NetworkPolicy.class, "para-dispatch-sessions");
        assertTrue(allows(withMirror, "104.16.0.1", 443));
        NetworkPolicy githubOnly = Chart.render(Map.of("networkPolicy.allow[0]", "github"))
                .named(NetworkPolicy.class, "para-dispatch-sessions");
        assertTrue(allows(githubOnly, "140.82.112.3", 443));
        assertFalse(allows(githubOnly, "160.79.104.10", 443));
    }

    /** Whether an egress rule of the policy lets a pod reach the address and port (peers by address only). */
    static boolean allows(NetworkPolicy policy, String address, int port) throws Exception {
        java.net.InetAddress target = java.net.InetAddress.getByName(address);
        for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
            boolean portMatches = rule.getPorts() == null
                    || rule.getPorts().isEmpty()
                    || rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == port);
            boolean peerMatches = rule.getTo() == null
                    || rule.getTo().isEmpty()
                    || rule.getTo().stream()
                            .anyMatch(peer -> peer.getIpBlock() != null
                                    && inCidr(target, peer.getIpBlock().getCidr())
                                    && (peer.getIpBlock().getExcept() == null
                                            || peer.getIpBlock().getExcept().stream()
                                                    .noneMatch(e -> inCidr(target, e))));
            if (portMatches && peerMatches) {
                return true;
            }
        }
        return false;
    }

    static boolean inCidr(java.net.InetAddress address, String cidr) {
        try {
            String[] parts = cidr.split("/");
            byte[] network = java.net.InetAddress.getByName(parts[0]).getAddress();
            byte[] bytes = address.getAddress();
            if (network.length != bytes.length) {
                return false;
            }
            int bits = Integer.parseInt(parts[1]);
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((network[i / 8] & mask) != (bytes[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(cidr, e);
        }
    }

    /** By default sessions get a namespace of their own that enforces the restricted standard. */
    @Test
    void sessionsRunInANamespaceOfTheirOwnUnderTheRestrictedStandard() {
        Chart.Rendered chart = Chart.render();
        var namespace = chart.one(io.fabric8.kubernetes.api.model.Namespace.class);
        assertEquals("para-dispatch-sessions", namespace.getMetadata().getName());
        assertEquals("restricted", namespace.getMetadata().getLabels().get("pod-security.kubernetes.io/enforce"));
        assertEquals(
                "para-dispatch-sessions", chart.one(Role.class).getMetadata().getNamespace());
        assertEquals("para-dispatch-sessions", chart.applicationProperties().get("para.kubernetes.namespace"));
        // The service's own Secrets stay in the release namespace, out of the Role's reach.
        chart.all(Secret.class)
                .forEach(secret ->
                        assertEquals(Chart.NAMESPACE, secret.getMetadata().getNamespace()));
        assertTrue(Chart.render(Map.of("createSessionsNamespace", false))
                .all(io.fabric8.kubernetes.api.model.Namespace.class)
                .isEmpty());
    }

    /** The service's own pods reach DNS, PostgreSQL and the configured ports, and whatever the operator adds. */
    @Test
    void serviceNetworkPolicyLimitsTheServicesOwnEgress() {
        NetworkPolicy policy = Chart.render(Map.of("serviceNetworkPolicy.extraEgress[0].ports[0].port", 5000))
                .named(NetworkPolicy.class, "para-dispatch-service");
        assertEquals(
                Chart.render().one(Deployment.class).getSpec().getSelector().getMatchLabels(),
                policy.getSpec().getPodSelector().getMatchLabels());
        assertEquals(List.of("Egress"), policy.getSpec().getPolicyTypes());
        List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
        assertEquals(53, egress.get(0).getPorts().get(0).getPort().getIntVal());
        assertEquals(
                List.of(5432, 443, 6443),
                egress.get(1).getPorts().stream()
                        .map(p -> p.getPort().getIntVal())
                        .toList());
        assertTrue(egress.get(1).getTo() == null || egress.get(1).getTo().isEmpty());
        assertEquals(5000, egress.get(2).getPorts().get(0).getPort().getIntVal());
        assertTrue(Chart.render(Map.of("serviceNetworkPolicy.enabled", false)).all(NetworkPolicy.class).stream()
                .noneMatch(p -> p.getMetadata().getName().endsWith("-service")));
    }

    @Test
    void ingressRoutesTheWebhookAndTheApiOnly() {
        Ingress ingress = Chart.render(Map.of(
                        "ingress.enabled", true, "ingress.host", "para.acme.dev", "ingress.tlsSecretName", "para-tls"))
                .one(Ingress.class);
        assertEquals(
                List.of("/api", "/github"),
                ingress.getSpec().getRules().get(0).getHttp().getPaths().stream()
                        .map(p -> p.getPath())
                        .toList());
        assertEquals("para-tls", ingress.getSpec().getTls().get(0).getSecretName());
    }

    @Test
    void valuesOfTheWrongTypeAreRejected() {
        for (Map<String, Object> wrong : List.<Map<String, Object>>of(
                Map.of("replicaCount", "two"),
                Map.of("config.para\\.sessions\\.max-instances", "many"),
                Map.of("config.para\\.sessions\\.launch\\.sweep-interval", "soon"),
                Map.of("config.para\\.sesions\\.max-instances", 3),
                Map.of("networkPolicy.enabled", "yes please"),
                Map.of("database.sslMode", "always"))) {
            Exception e = assertThrows(Exception.class, () -> Chart.template(wrong), wrong::toString);
            assertTrue(e.getMessage().contains("values don't meet the specifications of the schema"), e.getMessage());
        }
        assertThrows(
                Exception.class,
                () -> Chart.template(Map.of(
                        "sealing.keys.k1",
                        Base64.getEncoder().encodeToString(new byte[32]),
                        "sealing.activeKey",
                        "k9")));
    }

    /** Every {@code para.*} knob of application.properties is a chart value with the same name and default. */
    @Test
    void configValuesMirrorApplicationPropertiesByNameAndDefault() throws IOException {
        Properties service = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            service.load(in);
        }
        Map<String, Object> values;
        try (Reader in = Files.newBufferedReader(Chart.DIR.resolve("values.yaml"))) {
            values = new Yaml().load(in);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) values.get("config");
        // Set by the chart from structured values, or meaningful only outside a cluster.
        Set<String> notInConfig = Set.of("para.local-runtime-dir");
        for (String key : service.stringPropertyNames()) {
            if (key.startsWith("para.") && !notInConfig.contains(key)) {
                assertTrue(config.containsKey(key), "values.yaml config lacks " + key);
                assertEquals(service.getProperty(key), String.valueOf(config.get(key)), key);
            }
        }
        Map<String, String> rendered = Chart.render().applicationProperties();
        config.forEach((key, value) -> assertEquals(String.valueOf(value), rendered.get(key), key));
        String schema = Files.readString(Chart.DIR.resolve("values.schema.json"));
        config.keySet().forEach(key -> assertTrue(schema.contains('"' + key + '"'), "schema lacks " + key));
    }

    private static io.fabric8.kubernetes.api.model.SecretKeySelector secretRef(Container container, String env) {
        return container.getEnv().stream()
                .filter(e -> e.getName().equals(env))
                .map(EnvVar::getValueFrom)
                .findFirst()
                .orElseThrow()
                .getSecretKeyRef();
    }

    private static Volume volume(List<Volume> volumes, String name) {
        return volumes.stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static String decode(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
}
