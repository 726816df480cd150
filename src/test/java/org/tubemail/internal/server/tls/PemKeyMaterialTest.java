package org.tubemail.internal.server.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.support.RealParts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Certificate chains and keys in the PEM forms openssl (and so certbot and most CAs) writes. */
class PemKeyMaterialTest {

    @TempDir
    Path dir;

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(RealParts.require("openssl", "openssl").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    }

    /** A self-signed certificate for {@code key}, in {@code cert}. */
    private Path certificate(String key, String cert, String name) throws Exception {
        openssl("req", "-x509", "-new", "-key", key, "-out", cert, "-days", "2", "-subj", "/CN=" + name);
        return dir.resolve(cert);
    }

    @Test
    void readsRsaPkcs1Pkcs8AndEcKeysAndTheWholeChain() throws Exception {
        openssl("genrsa", "-traditional", "-out", "rsa1.key", "2048");
        assertTrue(Files.readString(dir.resolve("rsa1.key")).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "rsa1.key", "-out", "rsa8.key");
        assertTrue(Files.readString(dir.resolve("rsa8.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
        openssl("ecparam", "-genkey", "-name", "prime256v1", "-out", "ec.key");
        assertTrue(Files.readString(dir.resolve("ec.key")).contains("-----BEGIN EC PRIVATE KEY-----"));
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "ec.key", "-out", "ec8.key");

        Path rsa = certificate("rsa1.key", "rsa.pem", "rsa.example.com");
        Path ec = certificate("ec.key", "ec.pem", "ec.example.com");
        // a chain: a certificate for the RSA key issued by the EC one, then the issuer
        openssl("req", "-new", "-key", "rsa1.key", "-subj", "/CN=leaf.example.com", "-out", "leaf.csr");
        openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ec.pem", "-CAkey", "ec.key", "-CAcreateserial", "-days", "2", "-out", "leaf.pem");
        Path chain = Files.writeString(dir.resolve("chain.pem"), Files.readString(dir.resolve("leaf.pem")) + Files.readString(ec));

        PemKeyMaterial m = PemKeyMaterial.read(chain, dir.resolve("rsa1.key"));
        assertEquals(2, m.chain().size(), "server certificate and intermediate");
        assertEquals("RSA", m.key().getAlgorithm());
        assertEquals("RSA", PemKeyMaterial.read(rsa, dir.resolve("rsa8.key")).key().getAlgorithm());
        assertEquals("EC", PemKeyMaterial.read(ec, dir.resolve("ec.key")).key().getAlgorithm());
        assertEquals("EC", PemKeyMaterial.read(ec, dir.resolve("ec8.key")).key().getAlgorithm());
        TlsContext.load(chain, dir.resolve("rsa1.key")).newEngine(); // and the JDK takes them
        TlsContext.load(ec, dir.resolve("ec.key")).newEngine();
    }

    @Test
    void refusesWrongPairsEncryptedKeysAndOtherFilesNamingTheFile() throws Exception {
        openssl("ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "a.key");
        openssl("ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "b.key");
        Path cert = certificate("a.key", "a.pem", "a.example.com");
        Path otherKey = dir.resolve("b.key");
        IOException e = assertThrows(IOException.class, () -> PemKeyMaterial.read(cert, otherKey));
        assertTrue(e.getMessage().startsWith(otherKey + ": this key does not belong"), e.getMessage());

        openssl("pkcs8", "-topk8", "-in", "a.key", "-out", "enc.key", "-passout", "pass:secret");
        e = assertThrows(IOException.class, () -> PemKeyMaterial.read(cert, dir.resolve("enc.key")));
        assertTrue(e.getMessage().contains("encrypted"), e.getMessage());

        Path notPem = Files.writeString(dir.resolve("x.pem"), "hello");
        e = assertThrows(IOException.class, () -> PemKeyMaterial.read(notPem, otherKey));
        assertTrue(e.getMessage().startsWith(notPem + ": no CERTIFICATE block"), e.getMessage());
        e = assertThrows(IOException.class, () -> PemKeyMaterial.read(cert, cert));
        assertTrue(e.getMessage().startsWith(cert + ": unexpected PEM block"), e.getMessage());
    }
}
