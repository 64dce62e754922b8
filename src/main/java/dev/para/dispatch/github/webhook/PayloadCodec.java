package dev.para.dispatch.github.webhook;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import net.jpountz.lz4.LZ4CompressorWithLength;
import net.jpountz.lz4.LZ4DecompressorWithLength;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;

/**
 * Webhook payloads are stored compressed by the service: GitHub's JSON shrinks about five-fold,
 * so a typical delivery stays inline in its PostgreSQL row and the write-ahead log carries a fifth
 * of the bytes — cheaper, all told, than letting PostgreSQL compress (pglz costs several times
 * more CPU). Compression runs on the intake's event loops for every delivery, so it is LZ4:
 * DEFLATE's fastest level was the largest single cost of the intake (39 % of its CPU under
 * load). Decompressing gives back the exact signed bytes.
 *
 * <p>Rows written before LZ4 hold raw DEFLATE ({@code payload_deflated}); they are still read
 * until the retention purges them.
 */
public final class PayloadCodec {

    /**
     * lz4-java's Java port, everywhere: ~15 µs for a 15 KB payload, well under DEFLATE. Its JNI
     * build loads only from the system class loader (not Quarkus') and has no place in the native
     * image, so the service could not use it anyway; tests and production run the same code, and
     * nothing extracts a native library at run time.
     */
    private static final LZ4Factory LZ4 = LZ4Factory.fastestJavaInstance();

    private static final LZ4CompressorWithLength COMPRESSOR = new LZ4CompressorWithLength(LZ4.fastCompressor());
    /** The safe decompressor, bounded by GitHub's payload limit: a damaged row cannot make it overrun. */
    private static final LZ4DecompressorWithLength DECOMPRESSOR =
            new LZ4DecompressorWithLength(LZ4.safeDecompressor(), (int) WebhookRoute.MAX_BODY_BYTES);

    private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(() -> new Inflater(true));

    private PayloadCodec() {}

    /** An LZ4 block with the payload's length in front, as {@code payload_lz4} holds it. */
    public static byte[] compress(byte[] raw) {
        return COMPRESSOR.compress(raw);
    }

    public static byte[] decompress(byte[] compressed) {
        try {
            return DECOMPRESSOR.decompress(compressed);
        } catch (LZ4Exception | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("Not an LZ4-compressed payload");
        }
    }

    /** A payload written before LZ4: raw DEFLATE. */
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
