package org.tubemail.internal.crypto;

import org.tubemail.internal.server.tls.TlsContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A child JVM's main for {@link CryptoProviderTest}: puts provider {@code args[0]} (native or jdk)
 * in place, makes an EC certificate under {@code args[1]}, takes the JDK's elliptic-curve provider
 * (SunEC) out (all but its parameter parsing), and runs one TLS 1.3 handshake over loopback, the server's
 * side as the receivers do it ({@link TlsContext#upgrade}). With the JVM limited
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
        SSLContext clientContext = server.clientTrustingThis();
        Security.removeProvider("SunEC");
        // JSSE looks up a named group's parameters (AlgorithmParameters "EC", no arithmetic) before it
        // uses it; the native provider has none, so this class from java.base stands in for SunEC's
        Security.addProvider(new Provider("ECParameters", "1", "EC parameters only") {
            {
                put("AlgorithmParameters.EC", "sun.security.util.ECParameters");
            }
        });
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> serverSide = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket accepted = server.upgrade(listener.accept())) {
                    accepted.startHandshake();
                    return accepted.getSession().getProtocol() + " " + accepted.getSession().getCipherSuite();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                client.setEnabledProtocols(new String[] {"TLSv1.3"});
                client.startHandshake();
            }
            System.out.println("handshake ok " + serverSide.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            System.out.println("handshake failed: " + e + (root == e ? "" : " (" + root + ")"));
        }
    }
}
