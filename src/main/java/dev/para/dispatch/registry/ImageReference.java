package dev.para.dispatch.registry;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An image reference as Docker and the OCI distribution spec read it:
 * {@code [registry[:port]/]namespace/name[:tag][@sha256:digest]}. Without a registry it is Docker
 * Hub's ({@code library/} for single names); without a tag or digest, {@code latest}.
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

    private static final String DOCKER_HUB = "docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9a-fA-F:]+](:[0-9]{1,5})?");

    /** Reads a reference; {@link IllegalArgumentException} with a reason a person can act on. */
    public static ImageReference parse(String text) {
        if (text == null
                || text.isBlank()
                || text.length() > 512
                || !text.strip().equals(text)) {
            throw new IllegalArgumentException("must be an image reference such as ghcr.io/owner/agent:1.0");
        }
        String rest = text;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException("has a digest that is not sha256:<64 hex digits>");
            }
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost") || first.startsWith("[")) {
                if (!HOST.matcher(first).matches()) {
                    throw new IllegalArgumentException("has an invalid registry host '" + first + "'");
                }
                registry = first.toLowerCase(Locale.ROOT);
                rest = rest.substring(slash + 1);
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("has an invalid tag '" + tag + "'");
            }
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("names no repository");
        }
        for (String component : rest.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException(
                        "has an invalid repository '" + rest + "' (lower case letters, digits, . _ -)");
            }
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    /** What the manifest is fetched by: the digest when there is one (it pins the image), else the tag. */
    public String reference() {
        return digest != null ? digest : tag;
    }

    /** The host the v2 API is served at ({@code registry-1.docker.io} for Docker Hub). */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    /** The key of this registry in a pull secret's {@code auths}, as the kubelet matches it (port included). */
    public String authKey() {
        return registry.equals(DOCKER_HUB) ? "https://index.docker.io/v1/" : registry;
    }

    /** The reference written out in full, as the pod spec gets it. */
    @Override
    public String toString() {
        return registry + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
