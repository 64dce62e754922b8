package dev.para.dispatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/** The Helm chart, rendered by the Helm library and read back as typed Kubernetes objects. */
final class Chart {

    static final Path DIR = Path.of("helm/para-dispatch");
    static final String RELEASE = "para-dispatch";
    static final String NAMESPACE = "para-dispatch";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    private Chart() {}

    /** The Kubernetes version charts are rendered for: the floor the chart declares. */
    static final String KUBE_VERSION = "v1.29.0";

    /** {@code helm template para-dispatch helm/para-dispatch -n para-dispatch --kube-version 1.29.0 --set ...}. */
    static String template(Map<String, Object> values) {
        TemplateCommand template = new Helm(DIR)
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        values.forEach(template::set);
        return template.call();
    }

    static Rendered render(Map<String, Object> values) {
        return new Rendered(parse(template(values)));
    }

    static Rendered render() {
        return render(Map.of());
    }

    /** Every YAML document of the output as a typed object of the fabric8 model. */
    static List<HasMetadata> parse(String manifests) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(manifests)) {
            if (document.lines().allMatch(line -> line.isBlank() || line.startsWith("#"))) {
                continue;
            }
            HasMetadata object = SERIALIZATION.unmarshal(document);
            if (object instanceof GenericKubernetesResource generic) {
                fail("Not a known Kubernetes type: " + generic.getApiVersion() + " " + generic.getKind());
            }
            assertNoUnknownFields(
                    object, object.getKind() + "/" + object.getMetadata().getName());
            objects.add(object);
        }
        return objects;
    }

    /**
     * fabric8 keeps fields its model does not know in {@code additionalProperties}; a typo in a
     * template ends up there and Kubernetes would drop it silently. None may be anywhere.
     */
    private static void assertNoUnknownFields(Object node, String path) {
        if (node == null || node instanceof String || node instanceof Number || node instanceof Boolean) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                assertNoUnknownFields(item, path + "[" + i++ + "]");
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> assertNoUnknownFields(v, path + "." + k));
            return;
        }
        if (!node.getClass().getPackageName().startsWith("io.fabric8")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                assertTrue(
                        value == null || ((Map<?, ?>) value).isEmpty(),
                        () -> "Fields the Kubernetes API does not know at " + path + ": "
                                + ((Map<?, ?>) value).keySet());
            } else if (!(value instanceof Class<?>)) {
                assertNoUnknownFields(value, path + "." + getter.getName().substring(3));
            }
        }
    }

    record Rendered(List<HasMetadata> objects) {

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type) {
            List<T> found = all(type);
            assertEquals(1, found.size(), () -> "one " + type.getSimpleName() + " expected, found " + found.size());
            return found.get(0);
        }

        <T extends HasMetadata> T named(Class<T> type, String name) {
            return all(type).stream()
                    .filter(o -> o.getMetadata().getName().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
        }

        /** The service's configuration as the ConfigMap hands it over. */
        Map<String, String> applicationProperties() {
            Properties properties = new Properties();
            try {
                properties.load(new StringReader(one(ConfigMap.class).getData().get("application.properties")));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            Map<String, String> out = new LinkedHashMap<>();
            properties.stringPropertyNames().forEach(k -> out.put(k, properties.getProperty(k)));
            return out;
        }
    }
}
