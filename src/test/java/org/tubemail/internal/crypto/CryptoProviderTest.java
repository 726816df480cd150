package org.tubemail.internal.crypto;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.support.OtherCryptoProvider;
import org.tubemail.support.Shell;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native provider (Amazon Corretto Crypto Provider) on this platform (Linux on x86-64, as CI),
 * the JDK fallback, and proof that JSSE's handshakes run on the native provider once it is installed.
 */
@EnabledIfSystemProperty(named = "os.arch", matches = "amd64|x86_64")
class CryptoProviderTest {

    private static final String NATIVE = "AmazonCorrettoCryptoProvider";

    @AfterEach
    void back() {
        CryptoProvider.use(OtherCryptoProvider.suiteMode());
    }

    @Test
    void theSuiteRunsOnTheProviderItAskedFor() {
        assertEquals(OtherCryptoProvider.suiteMode() == CryptoProvider.Mode.NATIVE, CryptoProvider.current().isNative(),
                CryptoProvider.current().describe());
        assertEquals(OtherCryptoProvider.suiteMode(), CryptoProvider.current().requested());
    }

    @Test
    void theNativeProviderLoadsPassesItsSelfTestsAndComesFirst() throws Exception {
        CryptoProvider.InUse inUse = CryptoProvider.use(CryptoProvider.Mode.NATIVE);
        assertTrue(inUse.isNative(), inUse.describe());
        assertEquals(NATIVE, Security.getProviders()[0].getName());
        assertTrue(inUse.version().startsWith("2.5.0 (AWS-LC "), inUse.version());
        // what JSSE, the DKIM signer and verifier and the HMACs ask for, without naming a provider
        assertEquals(NATIVE, KeyAgreement.getInstance("ECDH").getProvider().getName());
        assertEquals(NATIVE, KeyPairGenerator.getInstance("EC").getProvider().getName());
        assertEquals(BouncyCastleX25519.NAME, KeyAgreement.getInstance("XDH").getProvider().getName()); // TLS 1.3's x25519
        assertEquals(BouncyCastleX25519.NAME, KeyPairGenerator.getInstance("XDH").getProvider().getName());
        assertEquals(NATIVE, Mac.getInstance("HmacSHA256").getProvider().getName());
        assertEquals(NATIVE, Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName());
        for (String alg : List.of("SHA256withECDSA", "RSASSA-PSS", "SHA256withRSA", "Ed25519")) {
            assertEquals(NATIVE, Signature.getInstance(alg).getProvider().getName(), alg);
        }
        assertEquals(Map.of("provider", NATIVE, "version", inUse.version(), "native", true, "requested", "native",
                "tls", inUse.tls(), "description", inUse.describe()), inUse.toMap());
        // the server's TLS: BoringSSL inside Conscrypt, which is not in the provider list
        assertTrue(inUse.nativeTls(), inUse.describe());
        assertTrue(inUse.tls().matches("Conscrypt \\d+\\.\\d+\\.\\d+ \\(BoringSSL\\)"), inUse.tls());
        assertEquals("Conscrypt", CryptoProvider.serverTlsProvider().getName());
        assertFalse(Arrays.stream(Security.getProviders()).anyMatch(p -> p.getName().equals("Conscrypt")));
        assertEquals(inUse, CryptoProvider.use(CryptoProvider.Mode.NATIVE)); // a second call changes nothing
        assertEquals(1, Arrays.stream(Security.getProviders()).filter(p -> p.getName().equals(NATIVE)).count());
    }

    @Test
    void jdkTakesTheNativeProviderOut() throws Exception {
        CryptoProvider.use(CryptoProvider.Mode.NATIVE);
        CryptoProvider.InUse inUse = CryptoProvider.use(CryptoProvider.Mode.JDK);
        assertFalse(inUse.isNative());
        assertEquals("JDK", inUse.provider());
        assertEquals("", inUse.reason());
        assertTrue(inUse.describe().endsWith("(crypto.provider=jdk), TLS on JSSE"), inUse.describe());
        assertFalse(inUse.nativeTls());
        assertNull(CryptoProvider.serverTlsProvider(), "the server's TLS on JSSE");
        assertEquals(inUse, CryptoProvider.current());
        List<String> names = new ArrayList<>();
        for (Provider p : Security.getProviders()) {
            names.add(p.getName());
        }
        assertFalse(names.contains(NATIVE), names.toString());
        assertFalse(names.contains(BouncyCastleX25519.NAME), names.toString());
        assertEquals("SunEC", KeyAgreement.getInstance("ECDH").getProvider().getName());
        assertEquals("SunJCE", Mac.getInstance("HmacSHA256").getProvider().getName());
    }

    /** A TLS 1.3 handshake limited to P-256 with the JDK's EC provider gone: possible only on the native provider. */
    @Test
    void jsseDoesItsEllipticCurveWorkOnTheNativeProvider(@TempDir Path dir) throws Exception {
        String onNative = probe("native", dir.resolve("native"), "secp256r1");
        assertTrue(onNative.contains("handshake ok TLSv1.3 TLS_AES_"), onNative);
        String onJdk = probe("jdk", dir.resolve("jdk"), "secp256r1"); // the control: the same handshake without it cannot complete
        assertTrue(onJdk.contains("handshake failed"), onJdk);
    }

    /** The same with the x25519 key exchange that clients offer first: on Bouncy Castle beside the native provider. */
    @Test
    void jsseDoesX25519OnBouncyCastleBesideTheNativeProvider(@TempDir Path dir) throws Exception {
        String onNative = probe("native", dir.resolve("native"), "x25519");
        assertTrue(onNative.contains("handshake ok TLSv1.3 TLS_AES_"), onNative);
        String onJdk = probe("jdk", dir.resolve("jdk"), "x25519");
        assertTrue(onJdk.contains("handshake failed"), onJdk);
    }

    private static String probe(String mode, Path dir, String group) throws Exception {
        Files.createDirectories(dir);
        Shell.Result r = Shell.run(dir, 120, env -> { }, List.of(java(), "-Djdk.tls.namedGroups=" + group,
                "-cp", System.getProperty("java.class.path"), HandshakeProbe.class.getName(), mode, dir.resolve("tls").toString()));
        assertEquals(0, r.code(), r.output());
        return r.output();
    }

    /** Where the native library cannot load (another OS or CPU, musl), one log line says why and the JDK's providers serve. */
    @Test
    void withoutItsNativeLibraryTheJdkProvidersServeAndStatusSaysWhy(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.copy(Path.of("config/settings.properties"), home.resolve("config/settings.properties"));
        // the provider's own switch to skip the library inside its jar: it then finds none, as on a machine it was not built for
        Shell.Result r = Shell.run(home, 120, env -> { }, List.of(java(), "-Dcom.amazon.corretto.crypto.provider.useExternalLib=true",
                "-cp", System.getProperty("java.class.path"), "org.tubemail.internal.cli.TubemailCli", "--home", home.toString(), "status"));
        assertTrue(r.output().contains("crypto JDK " + Runtime.version() + " (native provider not in use: its native library did not load on Linux/amd64: "),
                r.output());
        assertEquals(1, r.output().lines().filter(l -> l.contains("crypto: JDK providers in use, the native provider did not load")).count(),
                r.output());
    }

    /** Where Conscrypt's library cannot load, the server's TLS runs on JSSE, and one log line and status say why. */
    @Test
    void withoutConscryptsLibraryTlsRunsOnJsseAndStatusSaysWhy(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.copy(Path.of("config/settings.properties"), home.resolve("config/settings.properties"));
        // Conscrypt copies its library out of its jar into this folder before loading it: a file in its place
        // leaves it none to load, as on a machine it was not built for
        Path notAFolder = Files.writeString(home.resolve("not-a-folder"), "");
        Shell.Result r = Shell.run(home, 120, env -> { }, List.of(java(), "-Dorg.conscrypt.native.workdir=" + notAFolder,
                "-cp", System.getProperty("java.class.path"), "org.tubemail.internal.cli.TubemailCli", "--home", home.toString(), "status"));
        assertTrue(r.output().contains("crypto " + NATIVE + " "), r.output());
        assertTrue(r.output().contains(", TLS on JSSE (Conscrypt not in use: its native library did not load on Linux/amd64: "), r.output());
        assertEquals(1, r.output().lines().filter(l -> l.contains("the server's TLS runs on JSSE, Conscrypt did not load")).count(),
                r.output());
    }

    @Test
    void statusSaysWhichProviderIsInUse(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/settings.properties"), "crypto.provider=jdk\n");
        java.io.StringWriter out = new java.io.StringWriter();
        org.tubemail.internal.cli.TubemailCli.run(new String[] {"--home", home.toString(), "status"}, new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(new java.io.StringWriter(), true));
        assertTrue(out.toString().contains("crypto JDK " + Runtime.version() + " (crypto.provider=jdk), TLS on JSSE"), out.toString());
        assertFalse(Arrays.stream(Security.getProviders()).anyMatch(p -> p.getName().equals(NATIVE)));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
