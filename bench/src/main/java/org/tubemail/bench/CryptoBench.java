package org.tubemail.bench;

import jakarta.mail.internet.MimeMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.tubemail.internal.crypto.CryptoProvider;
import org.tubemail.internal.dkim.DkimKey;
import org.tubemail.internal.dkim.DkimKeyring;
import org.tubemail.internal.dkim.DkimKeys;
import org.tubemail.internal.relay.DkimSigningRelay;
import org.tubemail.internal.server.tls.TlsContext;
import org.tubemail.mail.MailResponse;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * The JCA operations Tubemail's TLS, DKIM and HMACs do, on the JDK's providers and on Amazon Corretto
 * Crypto Provider ({@code provider=native}, put in place by {@link CryptoProvider} as the server does):
 * each as JSSE or the DKIM code does it (a fresh {@code getInstance} per operation, no provider
 * named). A full TLS 1.3 handshake between two in-memory SSLEngines (client and server, no
 * resumption, the server's default self-signed P-256 certificate) once with the JDK client's
 * default groups (x25519 first, as OpenSSL clients offer too) and once limited to P-256; and the
 * DKIM-signing relay (RSA-2048, Ed25519; keys read from PEM as the server reads them) on a 3 KB reply.
 * One thread, average time per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CryptoBench {

    @Param({"native", "jdk"})
    public String provider;

    private final byte[] data = new byte[1024];
    private KeyPair ec;
    private KeyPair ecPeer;
    private KeyPair x25519Peer;
    private KeyPair rsa;
    private byte[] rsaSignature;
    private KeyPair ed;
    private TlsContext server;
    private SSLContext client;
    private DkimSigningRelay rsaRelay;
    private DkimSigningRelay edRelay;
    private MimeMessage reply;
    private final AtomicLong relayed = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        CryptoProvider.InUse inUse = CryptoProvider.use(CryptoProvider.Mode.valueOf(provider.toUpperCase(Locale.ROOT)));
        if (provider.equals("native") != inUse.isNative()) {
            throw new IllegalStateException("asked for " + provider + ", got " + inUse.describe());
        }
        System.out.println("crypto: " + inUse.describe());
        new java.util.Random(1).nextBytes(data);
        ec = ecPair();
        ecPeer = ecPair();
        x25519Peer = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
        r.initialize(2048);
        rsa = r.generateKeyPair();
        rsaSignature = rsa2048Sign();
        ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path dir = Files.createTempDirectory("crypto-bench");
        server = TlsContext.loadOrGenerate(null, null, dir.resolve("tls"), "bench.localdomain");
        client = server.clientTrustingThis();
        rsaRelay = relay(dir, rsa.getPrivate(), "rsa");
        edRelay = relay(dir, ed.getPrivate(), "ed");
        reply = MailResponse.to("ann@example.org").from("list@lists.example.com").subject("Welcome to the list")
                .text("Hello,\n\n" + "you asked to join the list; this is its welcome text, about as long as one.\n".repeat(36))
                .toMimeMessage();
    }

    private static KeyPair ecPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** A DKIM-signing relay whose key was written as PEM and read back, as the server reads {@code relay.dkim.*.key}. */
    private DkimSigningRelay relay(Path dir, PrivateKey key, String selector) throws Exception {
        Path pem = dir.resolve(selector + ".pem");
        Files.writeString(pem, DkimKeys.toPem(key));
        DkimKeyring keys = new DkimKeyring().add(new DkimKey("lists.example.com", selector, DkimKeys.readPrivateKey(pem)));
        return new DkimSigningRelay((message, from, to) -> relayed.incrementAndGet(), keys);
    }

    @Benchmark
    public byte[] ecdsaP256Sign() throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(ec.getPrivate());
        s.update(data);
        return s.sign();
    }

    /** A server's ECDHE share: a new P-256 key pair and the agreement with the client's. */
    @Benchmark
    public byte[] ecdheP256() throws Exception {
        KeyPair mine = ecPair();
        KeyAgreement a = KeyAgreement.getInstance("ECDH");
        a.init(mine.getPrivate());
        a.doPhase(ecPeer.getPublic(), true);
        return a.generateSecret();
    }

    /** The same with X25519, which OpenSSL and JDK clients offer first (the native provider has no XDH: the JDK's serves). */
    @Benchmark
    public byte[] ecdheX25519() throws Exception {
        KeyPair mine = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        KeyAgreement a = KeyAgreement.getInstance("XDH");
        a.init(mine.getPrivate());
        a.doPhase(x25519Peer.getPublic(), true);
        return a.generateSecret();
    }

    @Benchmark
    public boolean rsa2048Verify() throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify(rsa.getPublic());
        s.update(data);
        return s.verify(rsaSignature);
    }

    @Benchmark
    public byte[] rsa2048Sign() throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(rsa.getPrivate());
        s.update(data);
        return s.sign();
    }

    @Benchmark
    public byte[] ed25519Sign() throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(ed.getPrivate());
        s.update(data, 0, 32); // DKIM's ed25519-sha256 signs a SHA-256 hash
        return s.sign();
    }

    /** HMAC-SHA256 of 1 KiB (web/SignedTokens, the webhook signature). */
    @Benchmark
    public byte[] hmacSha256() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(data, 0, 32, "HmacSHA256"));
        return mac.doFinal(data);
    }

    /** A full TLS 1.3 handshake, client and server, with the JDK client's default groups (x25519 first). */
    @Benchmark
    public String tls13Handshake() throws Exception {
        return handshake();
    }

    /** The same, limited to P-256 (both sides), so that the key exchange runs on the native provider too. */
    @Benchmark
    @Fork(jvmArgsAppend = "-Djdk.tls.namedGroups=secp256r1")
    public String tls13HandshakeP256() throws Exception {
        return handshake();
    }

    /** The DKIM-signing relay, RSA-2048: serialise, sign, hand on. */
    @Benchmark
    public long dkimRelayRsa2048() {
        rsaRelay.deliver(reply, "list@lists.example.com", List.of("ann@example.org"));
        return relayed.get();
    }

    /** The DKIM-signing relay, Ed25519. */
    @Benchmark
    public long dkimRelayEd25519() {
        edRelay.deliver(reply, "list@lists.example.com", List.of("ann@example.org"));
        return relayed.get();
    }

    private String handshake() throws Exception {
        SSLEngine c = client.createSSLEngine(); // no peer host: no session to resume
        c.setUseClientMode(true);
        c.setEnabledProtocols(new String[] {"TLSv1.3"});
        SSLEngine s = server.newEngine();
        int size = Math.max(c.getSession().getPacketBufferSize(), s.getSession().getPacketBufferSize()) * 4;
        ByteBuffer toServer = ByteBuffer.allocate(size);
        ByteBuffer toClient = ByteBuffer.allocate(size);
        ByteBuffer app = ByteBuffer.allocate(c.getSession().getApplicationBufferSize() * 2);
        c.beginHandshake();
        s.beginHandshake();
        for (int round = 0; round < 50; round++) {
            pump(c, toClient, toServer, app);
            pump(s, toServer, toClient, app);
            if (done(c) && done(s)) {
                return s.getSession().getCipherSuite();
            }
        }
        throw new IllegalStateException("handshake did not finish: client " + c.getHandshakeStatus() + ", server " + s.getHandshakeStatus());
    }

    private static boolean done(SSLEngine e) {
        HandshakeStatus h = e.getHandshakeStatus();
        return h == HandshakeStatus.NOT_HANDSHAKING || h == HandshakeStatus.FINISHED;
    }

    /** One engine's turn: runs its tasks, reads what the peer sent, writes what it has to send. */
    private static void pump(SSLEngine e, ByteBuffer in, ByteBuffer out, ByteBuffer app) throws Exception {
        runTasks(e);
        in.flip();
        while (in.hasRemaining() && e.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
            int before = in.remaining();
            e.unwrap(in, app);
            app.clear();
            runTasks(e);
            if (in.remaining() == before) {
                break;
            }
        }
        in.compact();
        ByteBuffer empty = ByteBuffer.allocate(0);
        while (e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            int before = out.position();
            e.wrap(empty, out);
            runTasks(e);
            if (out.position() == before && e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                break;
            }
        }
    }

    private static void runTasks(SSLEngine e) {
        for (Runnable task; (task = e.getDelegatedTask()) != null; ) {
            task.run();
        }
    }
}
