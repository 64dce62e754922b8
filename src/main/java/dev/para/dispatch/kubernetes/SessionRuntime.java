package dev.para.dispatch.kubernetes;

import java.io.InputStream;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Where session pods run: a Kubernetes cluster, or (dry run) nowhere but the log. Every method
 * blocks and is idempotent, so callers run them on worker threads and may simply retry.
 */
public interface SessionRuntime {

    /**
     * Creates the session's Job and Secret, or finds them when an earlier try did; the Job's name.
     * The token is minted meanwhile: the Job is made first, and its pods start once the Secret
     * with the token exists. A token that fails fails the launch with its own exception.
     */
    String launch(SessionLaunch launch, CompletionStage<String> token);

    /** Replaces the token in the running session's Secret; the pods see it within a kubelet sync. */
    void replaceToken(UUID sessionId, String token);

    /**
     * Stops the session: deletes its Job, its pods and its Secret. The pods get {@link #stopGrace()}
     * to push what their agents left.
     */
    void stop(UUID sessionId);

    /**
     * Deletes the session's Secrets (token, prompt, agent credential, pull login) once it has
     * ended: they should not wait for the Job's TTL.
     */
    default void deleteSecrets(UUID sessionId) {}

    /** How long a stopped session's pods may still push with the token they hold. */
    default Duration stopGrace() {
        return Duration.ZERO;
    }

    /** The log of an instance's pod, from its start; followed while the pod runs when asked. */
    InputStream log(String podName, boolean follow);
}
