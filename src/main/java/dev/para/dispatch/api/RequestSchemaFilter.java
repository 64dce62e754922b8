package dev.para.dispatch.api;

import dev.para.dispatch.session.SessionConfig;
import io.quarkus.arc.Arc;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.math.BigDecimal;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Says in the OpenAPI document what the API enforces on request bodies: no field beyond those
 * listed ({@link StrictJson}), and the limits an operator configured (read at start, so the
 * document shows this deployment's values).
 */
@OpenApiFilter(OpenApiFilter.RunStage.RUNTIME_STARTUP)
public class RequestSchemaFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null || openAPI.getComponents().getSchemas() == null) {
            return;
        }
        Map<String, Schema> schemas = openAPI.getComponents().getSchemas();
        schemas.forEach((name, schema) -> {
            if (name.endsWith("Request") || name.equals("Resources")) {
                schema.additionalPropertiesSchema(null);
                schema.setAdditionalPropertiesBoolean(false);
            }
        });
        SessionConfig sessions = Arc.container().instance(SessionConfig.class).get();
        limit(schemas.get("CreateSessionRequest"), "instances", sessions.maxInstances(), "para.sessions.max-instances");
        limit(
                schemas.get("CreateSessionRequest"),
                "timeoutMinutes",
                sessions.maxTimeoutMinutes(),
                "para.sessions.max-timeout-minutes");
    }

    private static void limit(Schema schema, String property, int maximum, String key) {
        if (schema == null
                || schema.getProperties() == null
                || schema.getProperties().get(property) == null) {
            return;
        }
        Schema field = schema.getProperties().get(property);
        field.setMaximum(BigDecimal.valueOf(maximum));
        field.setDescription("At most " + maximum + " (" + key + ").");
    }
}
