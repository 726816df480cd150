package org.tubemail.internal.dkim;

import org.tubemail.internal.crypto.CryptoProvider;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/** The two signing algorithms Tubemail signs and accepts: rsa-sha256 (RFC 6376) and ed25519-sha256 (RFC 8463). */
public enum DkimAlgorithm {
    /** RSA with SHA-256; the key record says {@code k=rsa}. */
    RSA_SHA256("rsa-sha256", "rsa"),
    /** Ed25519 over the SHA-256 hash of the signed data; the key record says {@code k=ed25519}. */
    ED25519_SHA256("ed25519-sha256", "ed25519");

    private final String tag;
    private final String keyType;
    private final String jdkName;
    /**
     * One {@link Signature} per thread: getting one from the providers costs more than an Ed25519
     * check. Got anew when the providers changed ({@link CryptoProvider#generation}), since a
     * Signature keeps the provider it was first initialised on.
     */
    private final ThreadLocal<Pinned> signatures = new ThreadLocal<>();

    /** A thread's Signature and the providers' generation it was got in. */
    private record Pinned(Signature signature, int generation) {
    }

    DkimAlgorithm(String tag, String keyType) {
        this.tag = tag;
        this.keyType = keyType;
        this.jdkName = keyType.equals("rsa") ? "SHA256withRSA" : "Ed25519";
    }

    private Signature signature() throws GeneralSecurityException {
        Pinned p = signatures.get();
        int generation = CryptoProvider.generation();
        if (p == null || p.generation() != generation) {
            p = new Pinned(Signature.getInstance(jdkName), generation);
            signatures.set(p);
        }
        return p.signature();
    }

    /** The {@code a=} value. */
    public String tag() {
        return tag;
    }

    /** The {@code k=} value of its key record. */
    public String keyType() {
        return keyType;
    }

    /** The algorithm whose {@code a=} value is {@code tag}, or null. */
    static DkimAlgorithm ofTag(String tag) {
        for (DkimAlgorithm a : values()) {
            if (a.tag.equalsIgnoreCase(tag)) return a;
        }
        return null;
    }

    /** The algorithm that signs with {@code key}. */
    static DkimAlgorithm of(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> RSA_SHA256;
            case "Ed25519", "EdDSA" -> ED25519_SHA256;
            default -> throw new IllegalArgumentException("DKIM signs with RSA or Ed25519 keys, not " + key.getAlgorithm());
        };
    }

    byte[] sign(PrivateKey key, byte[] data) throws GeneralSecurityException {
        Signature s = signature();
        s.initSign(key);
        s.update(input(data));
        return s.sign();
    }

    boolean verify(PublicKey key, byte[] data, byte[] signature) throws GeneralSecurityException {
        Signature s = signature();
        s.initVerify(key);
        s.update(input(data));
        return s.verify(signature);
    }

    /** RFC 8463: Ed25519 signs the SHA-256 hash of the data, RSA the data (hashed inside the signature). */
    private byte[] input(byte[] data) {
        return this == RSA_SHA256 ? data : SignedData.sha256(data, data.length);
    }
}
