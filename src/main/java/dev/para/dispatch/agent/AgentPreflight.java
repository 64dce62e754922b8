package dev.para.dispatch.agent;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.para.dispatch.Contexts;
import dev.para.dispatch.Hashes;
import dev.para.dispatch.Redactor;
import io.quarkus.logging.Log;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Before N pods start: is the agent's credential alive? An Anthropic API key or a Claude OAuth
 * token is shown to the model list once (remembered for {@code para.agent.preflight.cache-ttl}, by
 * its hash); a refusal fails the session at once, no pod started. A provider that does not answer
 * in time, or answers 5xx, lets the launch go on: the pod's own check still stands. A login baked
 * into the image cannot be checked from here.
 */
@ApplicationScoped
public class AgentPreflight {

    /** The agent files a launch may carry a credential in, as the session pod names them. */
    public static final String API_KEY = "anthropic-api-key";

    public static final String OAUTH_TOKEN = "claude-oauth-token";

    /** What the provider said of a credential: accepted, or refused and why. */
    private record Verdict(boolean accepted, String why) {}

    private final AgentConfig config;
    private final AnthropicModels anthropic;
    private final Cache<String, Verdict> verdicts;

    AgentPreflight(AgentConfig config) {
        this.config = config;
        this.anthropic = QuarkusRestClientBuilder.newBuilder()
                .baseUri(config.anthropicUrl())
                .connectTimeout(config.preflight().timeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.preflight().timeout().toMillis(), TimeUnit.MILLISECONDS)
                .build(AnthropicModels.class);
        this.verdicts = Caffeine.newBuilder()
                .expireAfterWrite(config.preflight().cacheTtl())
                .maximumSize(10_000)
                .build();
    }

    /** Fails with {@link AgentCredentialRefused} when the provider refuses the credential among {@code agentFiles}. */
    public Uni<Void> check(Map<String, String> agentFiles) {
        if (!config.preflight().enabled()) {
            return Uni.createFrom().voidItem();
        }
        String apiKey = agentFiles.get(API_KEY);
        String oauthToken = agentFiles.get(OAUTH_TOKEN);
        if (apiKey == null && oauthToken == null) {
            return Uni.createFrom().voidItem(); // a baked-in login: only the pod can tell
        }
        String kind = apiKey != null ? API_KEY : OAUTH_TOKEN;
        String key =
                kind + ":" + Hashes.sha256Hex((apiKey != null ? apiKey : oauthToken).getBytes(StandardCharsets.UTF_8));
        Verdict known = verdicts.getIfPresent(key);
        Uni<Verdict> verdict = known != null
                ? Uni.createFrom().item(known)
                : ask(apiKey, oauthToken).invoke(v -> {
                    if (v != null) {
                        verdicts.put(key, v);
                    }
                });
        // the REST client answers on its own thread: the launch goes on on the caller's context
        return Contexts.onCallersContext(verdict)
                .invoke(v -> {
                    if (v != null && !v.accepted()) {
                        throw new AgentCredentialRefused("the agent credential (" + kind + ") was refused by "
                                + config.anthropicUrl() + ": " + v.why());
                    }
                })
                .replaceWithVoid();
    }

    /** The provider's verdict, or null when it gave none (slow, away, 5xx): the launch goes on. */
    private Uni<Verdict> ask(String apiKey, String oauthToken) {
        Uni<Response> answer =
                apiKey != null ? anthropic.withApiKey(apiKey) : anthropic.withOAuthToken("Bearer " + oauthToken);
        return answer.map(response -> verdictOf(response.getStatus()))
                .onFailure(WebApplicationException.class)
                .recoverWithItem(e ->
                        verdictOf(((WebApplicationException) e).getResponse().getStatus()))
                .onFailure()
                .recoverWithItem(e -> {
                    Log.infof(
                            "The agent credential could not be checked at %s (%s); the launch goes on",
                            config.anthropicUrl(), Redactor.describe(e));
                    return null;
                });
    }

    private static Verdict verdictOf(int status) {
        if (status >= 200 && status < 300) {
            return new Verdict(true, null);
        }
        if (status == 401) {
            return new Verdict(false, "401 Unauthorized (a wrong, revoked or expired credential)");
        }
        if (status == 403) {
            return new Verdict(false, "403 Forbidden (the credential may not use the API)");
        }
        return null; // 429, 5xx and the like say nothing about the credential
    }
}
