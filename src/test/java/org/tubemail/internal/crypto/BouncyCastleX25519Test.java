package org.tubemail.internal.crypto;

import org.junit.jupiter.api.Test;

import javax.crypto.KeyAgreement;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link BouncyCastleX25519} as JSSE uses it (key pair, the peer's key share as an
 * {@link XECPublicKeySpec}, agreement to a {@code TlsPremasterSecret}), checked against the JDK's own X25519.
 */
class BouncyCastleX25519Test {

    private final Provider ours = new BouncyCastleX25519();
    private final Provider jdk = Security.getProvider("SunEC");

    /** The peer's public key as JSSE rebuilds it from the key share's u-coordinate. */
    private static PublicKey fromKeyShare(XECPublicKey key, Provider provider) throws Exception {
        return KeyFactory.getInstance("XDH", provider).generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, key.getU()));
    }

    private static byte[] agree(KeyPair local, PublicKey peer, Provider provider) throws Exception {
        KeyAgreement ka = KeyAgreement.getInstance("XDH", provider);
        ka.init(local.getPrivate());
        ka.doPhase(peer, true);
        return ka.generateSecret("TlsPremasterSecret").getEncoded();
    }

    @Test
    void bothSidesAgreeWithTheJdksX25519() throws Exception {
        for (int i = 0; i < 50; i++) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("XDH", ours);
            g.initialize(NamedParameterSpec.X25519);
            KeyPair server = g.generateKeyPair();
            KeyPair client = KeyPairGenerator.getInstance("X25519", jdk).generateKeyPair();
            byte[] onOurs = agree(server, fromKeyShare((XECPublicKey) client.getPublic(), ours), ours);
            byte[] onJdk = agree(client, fromKeyShare((XECPublicKey) server.getPublic(), jdk), jdk);
            assertEquals(32, onOurs.length);
            assertArrayEquals(onJdk, onOurs);
        }
    }

    @Test
    void otherCurvesAndSecretsAreRefusedSoThatJcaTriesTheNextProvider() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("XDH", ours);
        assertThrows(java.security.InvalidAlgorithmParameterException.class, () -> g.initialize(NamedParameterSpec.X448));
        KeyPair x448 = KeyPairGenerator.getInstance("X448", jdk).generateKeyPair();
        assertThrows(java.security.InvalidKeyException.class, () -> KeyAgreement.getInstance("XDH", ours).init(x448.getPrivate()));
        KeyAgreement ka = KeyAgreement.getInstance("XDH", ours);
        KeyPair pair = KeyPairGenerator.getInstance("X25519", ours).generateKeyPair();
        ka.init(pair.getPrivate());
        ka.doPhase(pair.getPublic(), true);
        assertThrows(NoSuchAlgorithmException.class, () -> ka.generateSecret("AES"));
    }
}
