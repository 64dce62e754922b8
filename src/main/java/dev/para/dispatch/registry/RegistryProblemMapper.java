package dev.para.dispatch.registry;

import dev.para.dispatch.api.ProblemException;
import dev.para.dispatch.api.ProblemMappers;
import dev.para.dispatch.api.ProblemType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A registry failure that reaches an answer without a service having said more about it: a
 * registry away is a 503 with Retry-After, a refusal a 422 with the registry's reason (the
 * exception's message is ours plus the registry's error code, never a credential).
 */
public class RegistryProblemMapper {

    @ServerExceptionMapper
    public Response registry(RegistryException e, UriInfo uri) {
        ProblemException problem = e.isRetryable()
                ? ProblemException.unavailable(
                        ProblemType.IMAGE_NOT_PULLABLE,
                        e.getMessage(),
                        e.retryAfter().orElse(Duration.ofSeconds(30)))
                : new ProblemException(ProblemType.IMAGE_NOT_PULLABLE, e.getMessage());
        return ProblemMappers.answer(problem, uri);
    }
}
