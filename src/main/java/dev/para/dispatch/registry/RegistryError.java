package dev.para.dispatch.registry;

/** Why an image cannot be pulled, in terms a person (and the retry logic) can act on. */
public enum RegistryError {
    /** The registry refused the credential (or asked for one and none was given). */
    AUTHENTICATION(false, "the registry refused the credential"),
    /** The image reference itself is not valid (a configured image with a typo). */
    INVALID_REFERENCE(false, "the image reference is not valid"),
    /** The credential is valid but may not pull this repository. */
    PERMISSION(false, "the credential may not pull this repository"),
    /** No such repository at the registry (or it is private and the credential cannot see it). */
    REPOSITORY_NOT_FOUND(false, "the repository does not exist at the registry"),
    /** The repository exists, the tag or digest does not. */
    MANIFEST_NOT_FOUND(false, "the tag or digest does not exist in the repository"),
    /** The registry asks us to slow down; {@code retryAfter} says when to come back. */
    RATE_LIMITED(true, "the registry rate-limits us"),
    /** The registry could not be reached, timed out, or answered 5xx. */
    UNREACHABLE(true, "the registry could not be reached"),
    /** The registry, its token service or a redirect leads to an internal address, which is never reached. */
    ADDRESS_REFUSED(false, "the registry's address is internal, and not allowed"),
    /** The registry answered something the distribution spec does not describe. */
    PROTOCOL(false, "the registry answered in a way we do not understand");

    private final boolean retryable;
    private final String summary;

    RegistryError(boolean retryable, String summary) {
        this.retryable = retryable;
        this.summary = summary;
    }

    public boolean retryable() {
        return retryable;
    }

    public String summary() {
        return summary;
    }
}
