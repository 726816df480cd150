package org.tubemail.internal.dkim;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * DKIM keys on the JDK's crypto: private keys from PEM files (PKCS#8 {@code PRIVATE KEY}, RSA or
 * Ed25519, or PKCS#1 {@code RSA PRIVATE KEY} as {@code opendkim-genkey} writes), public keys from
 * key records' {@code p=} (RSA SubjectPublicKeyInfo or PKCS#1; Ed25519 as the 32 raw bytes of RFC 8463),
 * and the key record text to publish.
 */
public final class DkimKeys {
    private static final byte[] RSA_ALGORITHM_ID = HexFormat.of().parseHex("300d06092a864886f70d0101010500");
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private DkimKeys() {}

    /**
     * Reads a private key from a PEM file.
     *
     * @throws IOException naming the file when it cannot be read or holds no RSA or Ed25519 key
     */
    public static PrivateKey readPrivateKey(Path pem) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        try {
            if (text.contains("-----BEGIN RSA PRIVATE KEY-----")) {
                byte[] pkcs1 = pemBody(text, "RSA PRIVATE KEY");
                byte[] pkcs8 = der(0x30, concat(HexFormat.of().parseHex("020100"), RSA_ALGORITHM_ID, der(0x04, pkcs1)));
                return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            }
            byte[] pkcs8 = pemBody(text, "PRIVATE KEY");
            try {
                return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException notRsa) {
                return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(pem + ": not an RSA or Ed25519 private key in PEM (PKCS#8 or PKCS#1): " + e.getMessage(), e);
        }
    }

    /** The PEM text (PKCS#8) of {@code key}. */
    public static String toPem(PrivateKey key) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
    }

    /** The key record to publish at {@code SELECTOR._domainkey.DOMAIN}: {@code v=DKIM1; k=rsa; p=...}. */
    public static String record(PublicKey key) {
        String type = key.getAlgorithm().equals("RSA") ? "rsa" : "ed25519";
        byte[] p = key.getEncoded();
        if (!type.equals("rsa")) p = java.util.Arrays.copyOfRange(p, p.length - 32, p.length);
        return "v=DKIM1; k=" + type + "; p=" + Base64.getEncoder().encodeToString(p);
    }

    /**
     * The public key a key record's {@code p=} gives for {@code keyType} ({@code rsa} or {@code ed25519}).
     *
     * @throws GeneralSecurityException when it is not such a key
     */
    static PublicKey publicKey(String keyType, byte[] p) throws GeneralSecurityException {
        if (keyType.equals("ed25519")) {
            if (p.length != 32) throw new GeneralSecurityException("an Ed25519 key has 32 bytes, not " + p.length);
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(ED25519_SPKI_PREFIX, p)));
        }
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        try {
            return rsa.generatePublic(new X509EncodedKeySpec(p));
        } catch (GeneralSecurityException spkiFailed) {
            byte[] bitString = der(0x03, concat(new byte[] {0}, p));
            return rsa.generatePublic(new X509EncodedKeySpec(der(0x30, concat(RSA_ALGORITHM_ID, bitString))));
        }
    }

    /** The size in bits of an RSA public key. */
    static int rsaBits(PublicKey key) {
        BigInteger modulus = ((java.security.interfaces.RSAPublicKey) key).getModulus();
        return modulus.bitLength();
    }

    private static byte[] pemBody(String text, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) throw new IllegalArgumentException("no " + begin + " block");
        return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    }

    /** One DER element: tag, length, content. */
    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 0x80 ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        return concat(new byte[] {(byte) tag}, length, content);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
