package org.tubemail.internal.dkim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.Verdict;
import org.tubemail.support.Dkimpy;
import org.tubemail.support.Dnsmasq;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tubemail's DKIM signer and verifier against dkimpy, the independent implementation, with keys in a real dnsmasq. */
class DkimTest {
    private static final KeyPair RSA = pair("RSA");
    private static final KeyPair ED = pair("Ed25519");

    private static final String MESSAGE = "From: Alice <alice@example.org>\r\n"
            + "To: list@lists.example.com\r\n"
            + "Subject:  A   folded\r\n\tsubject \r\n"
            + "Date: Tue, 1 Dec 2026 03:00:00 +0000\r\n"
            + "Message-ID: <1@example.org>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "List-Id: <list.lists.example.com>\r\n"
            + "\r\n"
            + "Hello  there, \r\n\r\nwith trailing blank lines\r\n\r\n\r\n";

    private static KeyPair pair(String algorithm) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("RSA")) g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Dnsmasq dns() throws Exception {
        return Dnsmasq.builder()
                .txt("rsa._domainkey.example.org", DkimKeys.record(RSA.getPublic()))
                .txt("ed._domainkey.example.org", DkimKeys.record(ED.getPublic()))
                .start();
    }

    /** Appends text to a message's bytes. */
    private static final class SignedDataTestBytes {
        static byte[] append(byte[] message, String text) {
            return bytes(new String(message, StandardCharsets.ISO_8859_1) + text);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void dkimpyVerifiesOurRsaAndEd25519Signatures() throws Exception {
        byte[] signed = new DkimSigner(new DkimKey("example.org", "ed", ED.getPrivate()))
                .sign(new DkimSigner(new DkimKey("example.org", "rsa", RSA.getPrivate())).sign(bytes(MESSAGE)));
        try (Dnsmasq dns = dns()) {
            Dkimpy.Result r = Dkimpy.verify(signed, dns);
            assertTrue(r.passed(), r.output());
            assertEquals(2, r.output().lines().filter(l -> l.endsWith("pass")).count(), r.output());
            assertEquals(List.of(new Authentication.Dkim(Verdict.PASS, "example.org", "ed"),
                    new Authentication.Dkim(Verdict.PASS, "example.org", "rsa")), new DkimVerifier(dns.resolver()).verify(signed));
        }
    }

    @Test
    void whatAReaderSeesIsOversignedAndEveryListedHeaderSigned() throws Exception {
        byte[] signed = new DkimSigner(new DkimKey("example.org", "rsa", RSA.getPrivate())).sign(bytes(MESSAGE));
        assertEquals("from:from:to:to:cc:subject:subject:date:date:message-id:message-id:reply-to:mime-version:content-type:"
                + "list-id:list-id:list-help:list-subscribe:list-unsubscribe:list-unsubscribe-post:list-post:list-owner:list-archive",
                signedNames(signed));

        byte[] secondFrom = bytes(new String(signed, StandardCharsets.ISO_8859_1)
                .replace("To: list@", "From: mallory@example.net\r\nTo: list@"));
        try (Dnsmasq dns = dns()) {
            assertFalse(Dkimpy.verify(secondFrom, dns).passed(), "dkimpy must refuse an added From");
            assertEquals(Verdict.FAIL, new DkimVerifier(dns.resolver()).verify(secondFrom).get(0).verdict());
        }
    }

    @Test
    void listHeadersAreOversignedOnlyInListPosts() {
        byte[] signed = new DkimSigner(new DkimKey("example.org", "rsa", RSA.getPrivate()))
                .sign(bytes(MESSAGE.replace("List-Id: <list.lists.example.com>\r\n", "")));
        assertEquals("from:from:to:to:cc:subject:subject:date:date:message-id:message-id:reply-to:mime-version:content-type",
                signedNames(signed));
    }

    /** RFC 6376 §8.15: a copy of a field a reader sees, added above the signed one or where there was none, fails. */
    @Test
    void dkimpyRefusesEveryAddedCopyOfWhatAReaderSees() throws Exception {
        String signed = new String(new DkimSigner(new DkimKey("example.org", "rsa", RSA.getPrivate())).sign(bytes(MESSAGE)),
                StandardCharsets.ISO_8859_1);
        int top = signed.indexOf("\r\nFrom: ") + 2; // the first field after the signature
        List<String> added = List.of("Subject: Urgent: new bank details", "To: ceo@example.com", "Cc: board@example.com",
                "Date: Wed, 2 Dec 2026 09:00:00 +0000", "Message-ID: <forged@example.net>", "Reply-To: mallory@example.net",
                "List-Id: <other.example.net>", "List-Unsubscribe: <https://example.net/evil>", "List-Post: <mailto:x@example.net>");
        try (Dnsmasq dns = dns()) {
            Dkimpy.Result plain = Dkimpy.verify(bytes(signed), dns);
            assertTrue(plain.passed(), plain.output());
            for (String field : added) {
                byte[] tampered = bytes(signed.substring(0, top) + field + "\r\n" + signed.substring(top));
                Dkimpy.Result r = Dkimpy.verify(tampered, dns);
                assertFalse(r.passed(), "dkimpy must refuse the message with an added '" + field + "': " + r.output());
                assertEquals(Verdict.FAIL, new DkimVerifier(dns.resolver()).verify(tampered).get(0).verdict(), field);
            }
        }
    }

    private static String signedNames(byte[] signed) {
        String field = new String(signed, StandardCharsets.ISO_8859_1).split("\r\n(?=[^ \t])")[0];
        return TagList.compact(TagList.parse(field.substring(field.indexOf(':') + 1)).required("h"));
    }

    @Test
    void weVerifyDkimpysSignaturesAndCatchTampering(@TempDir Path dir) throws Exception {
        Path rsaKey = Files.writeString(dir.resolve("rsa.pem"), DkimKeys.toPem(RSA.getPrivate()));
        byte[] pkcs8 = ED.getPrivate().getEncoded();
        Path edKey = Files.writeString(dir.resolve("ed.key"),
                Base64.getEncoder().encodeToString(Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length)));
        try (Dnsmasq dns = dns()) {
            DkimVerifier verifier = new DkimVerifier(dns.resolver());
            byte[] byRsa = Dkimpy.sign(bytes(MESSAGE), "example.org", "rsa", "rsa-sha256", rsaKey, false);
            byte[] byEd = Dkimpy.sign(bytes(MESSAGE), "example.org", "ed", "ed25519-sha256", edKey, false);
            byte[] simpleWithLength = Dkimpy.sign(bytes(MESSAGE), "example.org", "rsa", "rsa-sha256", rsaKey, true);
            assertEquals(Verdict.PASS, verifier.verify(byRsa).get(0).verdict());
            assertEquals(Verdict.PASS, verifier.verify(byEd).get(0).verdict());
            assertEquals(Verdict.PASS, verifier.verify(simpleWithLength).get(0).verdict());
            byte[] appended = SignedDataTestBytes.append(simpleWithLength, "appended below the signed length\r\n");
            assertEquals(Verdict.PASS, verifier.verify(appended).get(0).verdict(), "l= covers only the signed part");
            byte[] spaced = bytes(new String(simpleWithLength, StandardCharsets.ISO_8859_1).replace("Hello  there", "Hello \tthere"));
            assertEquals(Verdict.FAIL, verifier.verify(spaced).get(0).verdict(), "simple body canonicalization keeps spaces");

            byte[] bodyChanged = bytes(new String(byEd, StandardCharsets.ISO_8859_1).replace("Hello", "Jello"));
            assertEquals(Verdict.FAIL, verifier.verify(bodyChanged).get(0).verdict());
            byte[] subjectChanged = bytes(new String(byRsa, StandardCharsets.ISO_8859_1).replace("folded", "changed"));
            assertEquals(Verdict.FAIL, verifier.verify(subjectChanged).get(0).verdict());
        }
    }

    @Test
    void missingRevokedAndUnreachableKeys() throws Exception {
        byte[] signed = new DkimSigner(new DkimKey("example.org", "gone", RSA.getPrivate())).sign(bytes(MESSAGE));
        byte[] revoked = new DkimSigner(new DkimKey("example.org", "revoked", RSA.getPrivate())).sign(bytes(MESSAGE));
        try (Dnsmasq dns = Dnsmasq.builder().txt("revoked._domainkey.example.org", "v=DKIM1; k=rsa; p=").start()) {
            DkimVerifier verifier = new DkimVerifier(dns.resolver());
            assertEquals(Verdict.PERMERROR, verifier.verify(signed).get(0).verdict());
            assertEquals(Verdict.PERMERROR, verifier.verify(revoked).get(0).verdict());
        }
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            var resolver = new org.tubemail.internal.dns.DnsResolver(new org.tubemail.internal.dns.DnsSettings(
                    List.of(new java.net.InetSocketAddress("127.0.0.1", silent.getLocalPort())), java.time.Duration.ofMillis(300), 10));
            assertEquals(Verdict.TEMPERROR, new DkimVerifier(resolver).verify(signed).get(0).verdict());
        }
    }

    @Test
    void readsPemKeysOfBothKinds(@TempDir Path dir) throws Exception {
        Path rsa = Files.writeString(dir.resolve("r.pem"), DkimKeys.toPem(RSA.getPrivate()));
        Path ed = Files.writeString(dir.resolve("e.pem"), DkimKeys.toPem(ED.getPrivate()));
        assertEquals(RSA.getPrivate(), DkimKeys.readPrivateKey(rsa));
        assertEquals("EdDSA", DkimKeys.readPrivateKey(ed).getAlgorithm().replace("Ed25519", "EdDSA"));
    }
}
