package org.tubemail.crypto;

import org.tubemail.server.tls.TlsContext;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.security.cert.CertificateFactory;

/**
 * A child JVM's main for {@link CryptoProviderTest}: puts provider {@code args[0]} (native or jdk)
 * in place, makes an EC certificate under {@code args[1]}, takes the JDK's elliptic-curve provider
 * (SunEC) out (all but its parameter parsing), and runs one TLS 1.3 handshake between two in-memory SSLEngines. With the JVM limited
 * to P-256 ({@code -Djdk.tls.namedGroups=secp256r1}) it can only complete when JSSE does its ECDHE,
 * ECDSA signing and certificate check on the native provider. Prints one line: {@code handshake ok
 * PROTOCOL CIPHER} or {@code handshake failed: WHY}.
 */
public final class HandshakeProbe {

    private HandshakeProbe() {
    }

    public static void main(String[] args) throws Exception {
        CryptoProvider.use(CryptoProvider.Mode.valueOf(args[0].toUpperCase(java.util.Locale.ROOT)));
        Path dir = Path.of(args[1]);
        TlsContext server = TlsContext.loadOrGenerate(null, null, dir, "mx.example.com");
        SSLContext clientContext = clientTrusting(server.certFile());
        Security.removeProvider("SunEC");
        // JSSE looks up a named group's parameters (AlgorithmParameters "EC", no arithmetic) before it
        // uses it; the native provider has none, so this class from java.base stands in for SunEC's
        Security.addProvider(new Provider("ECParameters", "1", "EC parameters only") {
            {
                put("AlgorithmParameters.EC", "sun.security.util.ECParameters");
            }
        });
        try {
            SSLEngine client = clientContext.createSSLEngine("mx.example.com", 25);
            client.setUseClientMode(true);
            client.setEnabledProtocols(new String[] {"TLSv1.3"});
            SSLEngine engine = server.newEngine();
            handshake(client, engine);
            System.out.println("handshake ok " + engine.getSession().getProtocol() + " " + engine.getSession().getCipherSuite());
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            System.out.println("handshake failed: " + e + (root == e ? "" : " (" + root + ")"));
        }
    }

    private static SSLContext clientTrusting(Path certFile) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certFile)) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    /** Runs both engines' handshakes to the end over in-memory buffers. */
    static void handshake(SSLEngine client, SSLEngine server) throws Exception {
        int size = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(size * 4);
        ByteBuffer toClient = ByteBuffer.allocate(size * 4);
        ByteBuffer app = ByteBuffer.allocate(client.getSession().getApplicationBufferSize() * 2);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 100; round++) {
            boolean moved = step(client, toClient, toServer, app, empty) | step(server, toServer, toClient, app, empty);
            if (done(client) && done(server)) {
                return;
            }
            if (!moved) {
                throw new IllegalStateException("handshake stalled: client " + client.getHandshakeStatus() + ", server " + server.getHandshakeStatus());
            }
        }
        throw new IllegalStateException("handshake did not finish in 100 rounds");
    }

    private static boolean done(SSLEngine e) {
        HandshakeStatus s = e.getHandshakeStatus();
        return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
    }

    /** One engine's turn: runs its tasks, reads what the peer sent, writes what it has to send. */
    private static boolean step(SSLEngine e, ByteBuffer in, ByteBuffer out, ByteBuffer app, ByteBuffer empty) throws Exception {
        boolean moved = false;
        for (Runnable task; (task = e.getDelegatedTask()) != null; ) {
            task.run();
            moved = true;
        }
        in.flip();
        while (in.hasRemaining() && e.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
            int before = in.remaining();
            e.unwrap(in, app);
            app.clear();
            for (Runnable task; (task = e.getDelegatedTask()) != null; ) {
                task.run();
            }
            if (in.remaining() == before) {
                break;
            }
            moved = true;
        }
        in.compact();
        while (e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            int before = out.position();
            e.wrap(empty, out);
            if (out.position() == before && e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                break;
            }
            moved = true;
        }
        return moved;
    }
}
