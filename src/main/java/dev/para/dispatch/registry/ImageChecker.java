package dev.para.dispatch.registry;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.para.dispatch.Contexts;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Whether an image can be pulled with a credential, remembered for {@code para.registry.cache-ttl}:
 * a found image, and a lasting refusal (wrong password, no such tag) alike, so that a burst of
 * sessions costs the registry one check. Transient failures are not remembered. Concurrent checks
 * of one image share one registry call.
 */
@ApplicationScoped
public class ImageChecker {

    /** A check's outcome: the image, or why it cannot be pulled. */
    private record Outcome(ImageCheck image, RegistryException refusal) {}

    private final RegistryClient client;
    private final AsyncCache<String, Outcome> cache;
    private final RegistryMetrics metrics;

    public ImageChecker(RegistryClient client, RegistryConfig config, RegistryMetrics metrics) {
        this.client = client;
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(config.cacheTtl())
                .maximumSize(10_000)
                .buildAsync();
        this.metrics = metrics;
    }

    /** The image's manifest, or a {@link RegistryException} saying why it cannot be pulled. */
    public Uni<ImageCheck> check(ImageReference image, Optional<RegistryCredential> credential) {
        String key =
                image + "|" + credential.map(RegistryCredential::fingerprint).orElse("anonymous");
        CompletableFuture<Outcome> cached = cache.getIfPresent(key);
        if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
            metrics.cacheHit();
            return unwrap(cached.getNow(null)); // done: this reads it, it never waits
        }
        metrics.cacheMiss();
        CompletableFuture<Outcome> outcome = cache.get(
                key,
                (k, executor) -> client.check(image, credential)
                        .map(found -> new Outcome(found, null))
                        .onFailure(e -> e instanceof RegistryException r && !r.isRetryable())
                        .recoverWithItem(e -> new Outcome(null, (RegistryException) e))
                        .subscribeAsCompletionStage());
        return Contexts.onCallersContext(outcome).flatMap(ImageChecker::unwrap);
    }

    private static Uni<ImageCheck> unwrap(Outcome outcome) {
        return outcome.refusal() != null
                ? Uni.createFrom().failure(outcome.refusal())
                : Uni.createFrom().item(outcome.image());
    }
}
