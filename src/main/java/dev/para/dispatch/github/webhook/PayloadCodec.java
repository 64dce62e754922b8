package dev.para.dispatch.github.webhook;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Webhook payloads are stored deflated (raw DEFLATE, fastest level): GitHub's JSON shrinks about
 * six-fold in some 25 µs, so a typical delivery stays inline in its PostgreSQL row and the
 * write-ahead log carries a sixth of the bytes — cheaper, all told, than letting PostgreSQL
 * compress (pglz costs several times more CPU). Inflating gives back the exact signed bytes.
 * Deflaters hold native memory, so each thread keeps one and reuses it.
 */
public final class PayloadCodec {

    private static final ThreadLocal<Deflater> DEFLATERS = ThreadLocal.withInitial(() -> new Deflater(Deflater.BEST_SPEED, true));
    private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(() -> new Inflater(true));

    private PayloadCodec() {}

    public static byte[] deflate(byte[] raw) {
        Deflater deflater = DEFLATERS.get();
        deflater.reset();
        deflater.setInput(raw);
        deflater.finish();
        byte[] out = new byte[raw.length / 4 + 64];
        int length = 0;
        while (!deflater.finished()) {
            if (length == out.length) {
                out = java.util.Arrays.copyOf(out, out.length * 2);
            }
            length += deflater.deflate(out, length, out.length - length);
        }
        return java.util.Arrays.copyOf(out, length);
    }

    public static byte[] inflate(byte[] deflated) {
        Inflater inflater = INFLATERS.get();
        inflater.reset();
        inflater.setInput(deflated);
        ByteArrayOutputStream out = new ByteArrayOutputStream(deflated.length * 6);
        byte[] chunk = new byte[16 * 1024];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("Truncated payload");
                }
                out.write(chunk, 0, n);
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("Not a deflated payload", e);
        }
        return out.toByteArray();
    }
}
