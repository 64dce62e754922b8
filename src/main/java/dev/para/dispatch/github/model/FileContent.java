package dev.para.dispatch.github.model;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A file of a repository, as {@code GET /repos/{owner}/{repo}/contents/{path}} answers for a file. */
public record FileContent(String type, String encoding, long size, String path, String content) {

    /** The file's text; GitHub sends it base64-encoded, wrapped at 60 characters. */
    public String text() {
        if (!"base64".equals(encoding) || content == null) {
            throw new IllegalStateException("Unexpected content encoding " + encoding);
        }
        return new String(Base64.getMimeDecoder().decode(content), StandardCharsets.UTF_8);
    }
}
