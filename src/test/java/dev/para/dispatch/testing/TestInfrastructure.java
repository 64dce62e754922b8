package dev.para.dispatch.testing;

import io.quarkus.test.common.QuarkusTestResource;

/** The real dependencies every {@code @QuarkusTest} runs against (registered for all tests). */
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(GitHubFake.class)
@QuarkusTestResource(KubernetesMock.class)
@QuarkusTestResource(RegistryResource.class)
public final class TestInfrastructure {
    private TestInfrastructure() {}
}
