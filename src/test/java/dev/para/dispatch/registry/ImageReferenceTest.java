package dev.para.dispatch.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {

    static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void readsRegistriesTagsAndDigestsAsDockerDoes() {
        ImageReference ghcr = ImageReference.parse("ghcr.io/acme/agents/claude:1.4");
        assertEquals("ghcr.io", ghcr.registry());
        assertEquals("acme/agents/claude", ghcr.repository());
        assertEquals("1.4", ghcr.reference());

        ImageReference hub = ImageReference.parse("ubuntu");
        assertEquals("docker.io", hub.registry());
        assertEquals("registry-1.docker.io", hub.apiHost());
        assertEquals("library/ubuntu", hub.repository());
        assertEquals("latest", hub.reference());

        ImageReference pinned = ImageReference.parse("localhost:5000/team/agent:1.0@" + DIGEST);
        assertEquals("localhost:5000", pinned.registry());
        assertEquals("localhost:5000", pinned.authKey());
        assertEquals("https://index.docker.io/v1/", hub.authKey());
        assertEquals(DIGEST, pinned.reference(), "a digest pins the image, whatever the tag says");
        assertEquals("localhost:5000/team/agent:1.0@" + DIGEST, pinned.toString());
    }

    @Test
    void refusesWhatNoRegistryWouldServe() {
        for (String bad : new String[] {
            "",
            " ghcr.io/a/b",
            "ghcr.io/Acme/agent",
            "ghcr.io/acme/agent:",
            "ghcr.io/acme/agent@sha256:12",
            "ghcr.io//agent",
            "ghcr.io/acme/agent:-bad"
        }) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(bad), bad);
            assertTrue(!e.getMessage().isBlank());
        }
    }
}
