package dev.para.dispatch.github;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Reads the App's RSA private key from PEM, in either form GitHub users meet: PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}, what GitHub's "generate a private key" downloads) or PKCS#8
 * ({@code BEGIN PRIVATE KEY}). The JDK reads only PKCS#8, so PKCS#1 is wrapped in the PKCS#8
 * envelope (a fixed DER header) instead of pulling in a crypto provider for it.
 * Errors never include the key text.
 */
public final class AppPrivateKeyReader {

    private static final String PKCS1 = "RSA PRIVATE KEY";
    private static final String PKCS8 = "PRIVATE KEY";

    /** rsaEncryption AlgorithmIdentifier with NULL parameters, as PKCS#8 expects. */
    private static final byte[] RSA_ALGORITHM_ID = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };

    private AppPrivateKeyReader() {}

    /** The key as PKCS#8 PEM, which {@link #read} reads back (for a key made here, such as the playground App's). */
    public static String pem(java.security.PrivateKey key) {
        return "-----BEGIN " + PKCS8 + "-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(key.getEncoded())
                + "\n-----END " + PKCS8 + "-----\n";
    }

    public static RSAPrivateKey read(String pem) {
        String label = label(pem);
        byte[] der = body(pem, label);
        byte[] pkcs8 = PKCS1.equals(label) ? wrapPkcs1(der) : der;
        try {
            return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("The private key PEM does not hold a valid RSA private key");
        }
    }

    private static String label(String pem) {
        if (pem.contains("-----BEGIN " + PKCS1 + "-----")) {
            return PKCS1;
        }
        if (pem.contains("-----BEGIN " + PKCS8 + "-----")) {
            return PKCS8;
        }
        throw new IllegalArgumentException(
                "The private key is not PEM of type 'RSA PRIVATE KEY' (PKCS#1) or 'PRIVATE KEY' (PKCS#8)");
    }

    private static byte[] body(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin) + begin.length();
        int to = pem.indexOf(end, from);
        if (to < 0) {
            throw new IllegalArgumentException("The private key PEM has no END line");
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(from, to).replace("\\n", "\n"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The private key PEM body is not valid base64");
        }
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, OCTET STRING pkcs1 } */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        inner.writeBytes(new byte[] {0x02, 0x01, 0x00});
        inner.writeBytes(RSA_ALGORITHM_ID);
        inner.write(0x04);
        writeLength(inner, pkcs1.length);
        inner.writeBytes(pkcs1);
        ByteArrayOutputStream outer = new ByteArrayOutputStream();
        outer.write(0x30);
        writeLength(outer, inner.size());
        outer.writeBytes(inner.toByteArray());
        return outer.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write((length >> 8) & 0xff);
            out.write(length & 0xff);
        }
    }
}
