package org.tubemail.internal.crypto;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import javax.crypto.KeyAgreement;
import javax.crypto.KeyAgreementSpi;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyFactorySpi;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyPairGeneratorSpi;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.XECKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.List;

/**
 * X25519 (the key exchange TLS 1.3 clients offer first) on Bouncy Castle, for JSSE: key pairs,
 * agreement, and public keys from a peer's key share ({@link XECPublicKeySpec}, which JSSE builds
 * and Bouncy Castle's own key factory does not read). The native provider in use (Amazon Corretto
 * Crypto Provider 2.5.0) offers no X25519 that JSSE can use, so without this the JDK's own X25519
 * would run, several times slower (see bench/BENCHMARKS.md, "Crypto"). Installed right after the
 * native provider, it serves {@code XDH} and {@code X25519} only; X448 and anything else go on to
 * the JDK's providers.
 */
public final class BouncyCastleX25519 extends Provider {

    /** The provider's name in the provider list. */
    public static final String NAME = "TubemailX25519";

    /** Bouncy Castle's provider object, used directly and never installed in the provider list. */
    private static final Provider BC = new BouncyCastleProvider();
    /** X25519's X.509 SubjectPublicKeyInfo before the 32 key bytes (RFC 8410). */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00};

    /** The provider, with its three services. */
    public BouncyCastleX25519() {
        super(NAME, "1.0", "X25519 for JSSE on Bouncy Castle");
        List<String> aliases = List.of("X25519", "OID.1.3.101.110", "1.3.101.110");
        putService(new Service(this, "KeyPairGenerator", "XDH", Generator.class.getName(), aliases, null));
        putService(new Service(this, "KeyAgreement", "XDH", Agreement.class.getName(), aliases, null));
        putService(new Service(this, "KeyFactory", "XDH", Keys.class.getName(), aliases, null));
    }

    /** Bouncy Castle's version, from its provider's description ("BouncyCastle Security Provider v1.80.2"). */
    public static String bouncyCastleVersion() {
        String info = BC.getInfo();
        int v = info.lastIndexOf(" v");
        return v < 0 ? info : info.substring(v + 2);
    }

    private static boolean isX25519(AlgorithmParameterSpec params) {
        return params instanceof NamedParameterSpec n && n.getName().equalsIgnoreCase("X25519");
    }

    private static boolean isX25519(Key key) {
        return key instanceof XECKey x && isX25519(x.getParams());
    }

    /** Key pairs: X25519 only, so that JCA hands any other curve to the next provider. */
    public static final class Generator extends KeyPairGeneratorSpi {
        private SecureRandom random;

        /** For JCA. */
        public Generator() {
        }

        @Override
        public void initialize(int keysize, SecureRandom random) {
            if (keysize != 255) {
                throw new java.security.InvalidParameterException("X25519 only (255 bits), not " + keysize);
            }
            this.random = random;
        }

        @Override
        public void initialize(AlgorithmParameterSpec params, SecureRandom random) throws InvalidAlgorithmParameterException {
            if (!isX25519(params)) {
                throw new InvalidAlgorithmParameterException("X25519 only, not " + params);
            }
            this.random = random;
        }

        @Override
        public KeyPair generateKeyPair() {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("X25519", BC);
                if (random != null) {
                    g.initialize(NamedParameterSpec.X25519, random);
                }
                return g.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Bouncy Castle X25519 key pair: " + e.getMessage(), e);
            }
        }
    }

    /** The agreement: Bouncy Castle's, given keys that are X25519 (others go to the next provider). */
    public static final class Agreement extends KeyAgreementSpi {
        private KeyAgreement agreement;

        /** For JCA. */
        public Agreement() {
        }

        @Override
        protected void engineInit(Key key, SecureRandom random) throws InvalidKeyException {
            if (!(key instanceof PrivateKey) || !isX25519(key)) {
                throw new InvalidKeyException("an X25519 private key expected");
            }
            try {
                agreement = KeyAgreement.getInstance("X25519", BC);
                agreement.init(key);
            } catch (NoSuchAlgorithmException e) {
                throw new InvalidKeyException("Bouncy Castle X25519: " + e.getMessage(), e);
            }
        }

        @Override
        protected void engineInit(Key key, AlgorithmParameterSpec params, SecureRandom random) throws InvalidKeyException,
                InvalidAlgorithmParameterException {
            if (params != null && !isX25519(params)) {
                throw new InvalidAlgorithmParameterException("X25519 only, not " + params);
            }
            engineInit(key, random);
        }

        @Override
        protected Key engineDoPhase(Key key, boolean lastPhase) throws InvalidKeyException {
            if (!(key instanceof PublicKey) || !isX25519(key)) {
                throw new InvalidKeyException("an X25519 public key expected");
            }
            return agreement.doPhase(key, lastPhase);
        }

        @Override
        protected byte[] engineGenerateSecret() {
            return agreement.generateSecret();
        }

        @Override
        protected int engineGenerateSecret(byte[] sharedSecret, int offset) throws ShortBufferException {
            return agreement.generateSecret(sharedSecret, offset);
        }

        /** As the JDK's X25519: only JSSE's {@code TlsPremasterSecret}. */
        @Override
        protected SecretKey engineGenerateSecret(String algorithm) throws NoSuchAlgorithmException {
            if (!"TlsPremasterSecret".equalsIgnoreCase(algorithm)) {
                throw new NoSuchAlgorithmException("only TlsPremasterSecret, not " + algorithm);
            }
            return new SecretKeySpec(engineGenerateSecret(), algorithm);
        }
    }

    /** Public keys from JSSE's {@link XECPublicKeySpec} (the peer's key share) and from X.509 encodings. */
    public static final class Keys extends KeyFactorySpi {

        /** For JCA. */
        public Keys() {
        }

        @Override
        protected PublicKey engineGeneratePublic(KeySpec spec) throws InvalidKeySpecException {
            try {
                KeyFactory bc = KeyFactory.getInstance("X25519", BC);
                if (spec instanceof XECPublicKeySpec x) {
                    if (!isX25519(x.getParams())) {
                        throw new InvalidKeySpecException("X25519 only, not " + x.getParams());
                    }
                    return bc.generatePublic(new X509EncodedKeySpec(encode(x.getU())));
                }
                if (spec instanceof X509EncodedKeySpec) {
                    return bc.generatePublic(spec);
                }
                throw new InvalidKeySpecException("XECPublicKeySpec or X509EncodedKeySpec expected, not " + spec);
            } catch (NoSuchAlgorithmException e) {
                throw new InvalidKeySpecException("Bouncy Castle X25519: " + e.getMessage(), e);
            }
        }

        @Override
        protected PrivateKey engineGeneratePrivate(KeySpec spec) throws InvalidKeySpecException {
            try {
                return KeyFactory.getInstance("X25519", BC).generatePrivate(spec);
            } catch (NoSuchAlgorithmException e) {
                throw new InvalidKeySpecException("Bouncy Castle X25519: " + e.getMessage(), e);
            }
        }

        @Override
        protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> type) throws InvalidKeySpecException {
            try {
                return KeyFactory.getInstance("X25519", BC).getKeySpec(key, type);
            } catch (NoSuchAlgorithmException e) {
                throw new InvalidKeySpecException("Bouncy Castle X25519: " + e.getMessage(), e);
            }
        }

        @Override
        protected Key engineTranslateKey(Key key) throws InvalidKeyException {
            try {
                if (key instanceof PublicKey) {
                    return engineGeneratePublic(new X509EncodedKeySpec(key.getEncoded()));
                }
                if (key instanceof PrivateKey) {
                    return engineGeneratePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
                }
            } catch (InvalidKeySpecException e) {
                throw new InvalidKeyException("not an X25519 key: " + e.getMessage(), e);
            }
            throw new InvalidKeyException("a public or private X25519 key expected, not " + key);
        }

        /** The X.509 encoding of the public key {@code u}: 32 bytes, little-endian (RFC 7748 5). */
        private static byte[] encode(BigInteger u) throws InvalidKeySpecException {
            byte[] big = u.toByteArray();
            int start = big.length > 32 && big[0] == 0 ? 1 : 0;
            if (u.signum() < 0 || big.length - start > 32) {
                throw new InvalidKeySpecException("an X25519 u-coordinate of 32 bytes expected");
            }
            byte[] out = java.util.Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + 32);
            for (int i = big.length - 1, o = SPKI_PREFIX.length; i >= start; i--, o++) {
                out[o] = big[i];
            }
            return out;
        }
    }
}
