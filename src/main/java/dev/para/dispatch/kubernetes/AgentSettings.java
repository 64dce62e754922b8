package dev.para.dispatch.kubernetes;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an agent image asks of the agent's container: its command and resources, each absent
 * (null) where the image leaves the service's default. Resources are Kubernetes quantities.
 */
public record AgentSettings(
        String command, String cpuRequest, String memoryRequest, String cpuLimit, String memoryLimit) {

    /** Nothing of its own: every default applies. */
    public static final AgentSettings DEFAULTS = new AgentSettings(null, null, null, null, null);

    /**
     * The quantities this asks beyond the configured ceilings ({@code para.kubernetes.pod.max-cpu},
     * {@code max-memory}), field name to the ceiling it passes; empty when all fit.
     */
    public Map<String, String> beyond(KubernetesConfig.Pod pod) {
        Map<String, String> over = new LinkedHashMap<>();
        check(over, "cpuRequest", cpuRequest, pod.maxCpu());
        check(over, "cpuLimit", cpuLimit, pod.maxCpu());
        check(over, "memoryRequest", memoryRequest, pod.maxMemory());
        check(over, "memoryLimit", memoryLimit, pod.maxMemory());
        return over;
    }

    private static void check(Map<String, String> over, String field, String value, String ceiling) {
        if (value != null && amount(value).compareTo(amount(ceiling)) > 0) {
            over.put(field, ceiling);
        }
    }

    /** The value, the default where it is absent, and never more than the ceiling. */
    static Quantity within(String value, String fallback, String ceiling) {
        String chosen = value != null ? value : fallback;
        return new Quantity(amount(chosen).compareTo(amount(ceiling)) > 0 ? ceiling : chosen);
    }

    static BigDecimal amount(String quantity) {
        return Quantity.getAmountInBytes(new Quantity(quantity));
    }
}
