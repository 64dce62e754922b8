package dev.para.dispatch.api;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Lists the problem catalogue in the OpenAPI document: a {@code Problem} schema whose {@code type}
 * is one of the catalogue's URIs, each described by its status and title, so clients can switch
 * on them.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ProblemCatalogueFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        List<Object> types =
                Arrays.stream(ProblemType.values()).map(t -> (Object) t.uri()).toList();
        String catalogue = Arrays.stream(ProblemType.values())
                .map(t -> "- `" + t.uri() + "`: " + t.status() + " " + t.title())
                .reduce((a, b) -> a + "\n" + b)
                .orElse("");
        Schema type = OASFactory.createSchema()
                .addType(Schema.SchemaType.STRING)
                .enumeration(types)
                .description("What went wrong, stable per kind of problem (see docs/problems.md):\n" + catalogue
                        + "\nA status the catalogue does not name answers `" + Problem.TYPE_PREFIX
                        + "http-<status>`.");
        Schema fieldError = OASFactory.createSchema()
                .addType(Schema.SchemaType.OBJECT)
                .addProperty("field", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("message", OASFactory.createSchema().addType(Schema.SchemaType.STRING));
        Schema problem = OASFactory.createSchema()
                .addType(Schema.SchemaType.OBJECT)
                .description("An RFC 9457 problem detail, answered as application/problem+json.")
                .addProperty("type", type)
                .addProperty("title", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                .addProperty("detail", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("instance", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty(
                        "errors",
                        OASFactory.createSchema()
                                .addType(Schema.SchemaType.ARRAY)
                                .items(fieldError))
                .required(List.of("type", "title", "status"));
        openAPI.getComponents().addSchema("Problem", problem);
    }
}
