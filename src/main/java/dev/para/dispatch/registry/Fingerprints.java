package dev.para.dispatch.registry;

import dev.para.dispatch.Hashes;
import java.util.HexFormat;

/** Short, one-way identifiers of secrets: enough to tell two apart, nothing to recover them. */
final class Fingerprints {

    private Fingerprints() {}

    static String of(String secret) {
        return "sha256:" + HexFormat.of().formatHex(Hashes.sha256(secret), 0, 8);
    }
}
