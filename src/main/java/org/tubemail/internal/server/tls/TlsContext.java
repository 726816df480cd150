package org.tubemail.internal.server.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.crypto.CryptoProvider;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The server side of STARTTLS: a certificate chain and key from PEM files, TLS 1.3 and 1.2 only,
 * forward-secret AEAD cipher suites only, in the server's order of preference. The files are
 * looked at (modification time and size) whenever a client starts TLS, and read again when they
 * changed, so a renewed certificate (certbot, say) is used without a restart; a pair that cannot
 * be read, or whose key does not match the certificate (half-written, mid-renewal), is refused
 * with a warning and the previous pair stays in use until the files are right.
 *
 * <p>Engines: Conscrypt's (BoringSSL) when {@link CryptoProvider} put it in use, else JSSE's.
 * Conscrypt holds a pipe (two file descriptors) per session besides its socket, so at most a fifth
 * of the process's descriptor limit of sessions run on it at once ({@link #NATIVE_SESSION_LIMIT});
 * the sessions beyond run on JSSE (one descriptor), and a flood of idle TLS connections cannot take
 * the descriptors that accepting connections needs. Thread-per-connection receivers ({@link #upgrade})
 * always get JSSE.
 */
public final class TlsContext {

    private static final Logger LOG = LoggerFactory.getLogger(TlsContext.class);

    static {
        // The JDK's own switch against client-initiated renegotiation (a CPU cost a client imposes
        // at will); read once, at the first server handshake in the JVM. TlsChannel checks too.
        if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
            System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        }
    }
    /** The only protocol versions offered. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** Offered in this order where the JDK has them: TLS 1.3 suites, then ECDHE with AES-GCM or ChaCha20-Poly1305. */
    private static final List<String> CIPHERS = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");

    /**
     * A pair in use: its context (Conscrypt's or JSSE's), JSSE's context for the same pair, and the
     * parameters every engine and socket gets (copied by each, never changed).
     */
    private record Loaded(SSLContext context, SSLContext jsse, String stamp, SSLParameters parameters) {

        boolean nativeTls() {
            return context != jsse;
        }
    }

    /** Sessions on Conscrypt at once: a fifth of the file-descriptor limit (each holds three descriptors). */
    private static final int NATIVE_SESSION_LIMIT = (int) Math.min(Integer.MAX_VALUE, descriptorLimit() / 5);
    private final AtomicInteger nativeSessions = new AtomicInteger();
    private int nativeLimit = NATIVE_SESSION_LIMIT;
    private final AtomicLong lastFullWarning = new AtomicLong(Long.MIN_VALUE);

    private final Path certFile;
    private final Path keyFile;
    private volatile Loaded loaded;
    private volatile String refusedStamp = "";

    private TlsContext(Path certFile, Path keyFile, Loaded loaded) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.loaded = loaded;
    }

    /**
     * Reads the pair now (so a wrong file fails start-up, not the first client).
     *
     * @throws IOException naming the file and what is wrong
     */
    public static TlsContext load(Path certFile, Path keyFile) throws IOException {
        return new TlsContext(certFile, keyFile, read(certFile, keyFile));
    }

    /**
     * The configured pair, or when {@code certFile} is {@code null} a self-signed certificate for
     * {@code host} in {@code generatedDir} (made on first use).
     */
    public static TlsContext loadOrGenerate(Path certFile, Path keyFile, Path generatedDir, String host) throws IOException {
        if (certFile != null) {
            return load(certFile, keyFile);
        }
        Path cert = SelfSignedCertificate.ensure(generatedDir, host);
        return load(cert, cert.resolveSibling(SelfSignedCertificate.KEY));
    }

    private static Loaded read(Path certFile, Path keyFile) throws IOException {
        String stamp = stamp(certFile, keyFile);
        PemKeyMaterial pair = PemKeyMaterial.read(certFile, keyFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] none = new char[0];
            store.setKeyEntry("server", pair.key(), none, pair.chain().toArray(new X509Certificate[0]));
            // SunX509 reads the key out of the store once; PKIX's key manager reads it again for
            // every full handshake, decrypting PKCS#12 (PBKDF2, 10,000 rounds of HMAC-SHA256): that
            // was about half the server's CPU per new STARTTLS session (bench/BENCHMARKS.md)
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
            kmf.init(store, none);
            SSLContext jsse = SSLContext.getInstance("TLS");
            jsse.init(kmf.getKeyManagers(), null, null);
            Provider conscrypt = CryptoProvider.serverTlsProvider();
            SSLContext context = jsse;
            if (conscrypt != null) {
                context = SSLContext.getInstance("TLS", conscrypt);
                context.init(kmf.getKeyManagers(), null, null);
            }
            Set<String> supported = Set.of(context.getSupportedSSLParameters().getCipherSuites());
            String[] ciphers = CIPHERS.stream().filter(supported::contains).toArray(String[]::new);
            return new Loaded(context, jsse, stamp, parameters(ciphers));
        } catch (GeneralSecurityException e) {
            throw new IOException(certFile + ", " + keyFile + ": cannot use this certificate and key: " + e.getMessage(), e);
        }
    }

    private static String stamp(Path certFile, Path keyFile) throws IOException {
        return Files.getLastModifiedTime(certFile).toMillis() + "/" + Files.size(certFile) + "/"
                + Files.getLastModifiedTime(keyFile).toMillis() + "/" + Files.size(keyFile);
    }

    /** A server-side engine with the current certificate, on Conscrypt or JSSE as {@link CryptoProvider} chose; not counted. */
    public SSLEngine newEngine() {
        Loaded l = current();
        return engine(l.context(), l);
    }

    /**
     * The server side of TLS on {@code raw} with the current certificate: on Conscrypt while fewer
     * than {@link #NATIVE_SESSION_LIMIT} sessions run on it, else on JSSE. Closing the channel ends
     * the session's count.
     *
     * @see TlsChannel#TlsChannel(SocketChannel, SSLEngine, Executor, Runnable)
     */
    public TlsChannel newChannel(SocketChannel raw, Executor tasks, Runnable tasksDone) throws SSLException {
        Loaded l = current();
        if (!l.nativeTls()) {
            return new TlsChannel(raw, engine(l.jsse(), l), tasks, tasksDone);
        }
        if (nativeSessions.incrementAndGet() > nativeLimit) {
            nativeSessions.decrementAndGet();
            warnFull();
            return new TlsChannel(raw, engine(l.jsse(), l), tasks, tasksDone);
        }
        try {
            return new TlsChannel(raw, engine(l.context(), l), tasks, tasksDone).onClose(nativeSessions::decrementAndGet);
        } catch (SSLException | RuntimeException e) {
            nativeSessions.decrementAndGet();
            throw e;
        }
    }

    /** Sessions running on Conscrypt now. */
    public int nativeSessions() {
        return nativeSessions.get();
    }

    /** For tests: a lower {@link #NATIVE_SESSION_LIMIT}. */
    void limitNativeSessions(int limit) {
        nativeLimit = limit;
    }

    private void warnFull() {
        long now = System.nanoTime();
        long last = lastFullWarning.get();
        if ((last == Long.MIN_VALUE || now - last > 60_000_000_000L) && lastFullWarning.compareAndSet(last, now)) {
            LOG.warn("TLS: {} sessions run on Conscrypt, the most a fifth of the file-descriptor limit allows (each holds three); "
                    + "new ones run on JSSE until some end (raise the limit, ulimit -n, for more)", nativeLimit);
        }
    }

    private static SSLEngine engine(SSLContext context, Loaded l) {
        SSLEngine engine = CryptoProvider.serverEngine(context.createSSLEngine());
        engine.setUseClientMode(false);
        engine.setSSLParameters(l.parameters());
        return engine;
    }

    /** The process's file-descriptor limit, or no limit where the JVM cannot say (not a Unix). */
    private static long descriptorLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return Long.MAX_VALUE;
    }

    /**
     * Turns an accepted plain socket into the server side of TLS (for thread-per-connection
     * receivers), on JSSE; the handshake happens on the first read or {@link SSLSocket#startHandshake()}. A
     * client that starts a second handshake (a TLS 1.2 renegotiation) has its socket closed.
     */
    public SSLSocket upgrade(Socket plain) throws IOException {
        Loaded l = current();
        SSLSocket s = (SSLSocket) l.jsse().getSocketFactory().createSocket(plain, null, plain.getPort(), true);
        s.setUseClientMode(false);
        s.setSSLParameters(l.parameters());
        refuseRenegotiation(s);
        return s;
    }

    /** Closes the socket when the client starts a second handshake (a TLS 1.2 renegotiation). */
    private static void refuseRenegotiation(SSLSocket s) {
        boolean[] done = {false};
        s.addHandshakeCompletedListener(e -> {
            if (done[0]) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            done[0] = true;
        });
    }

    /**
     * Set on each engine from one object, not read from the engine and changed: Conscrypt looks a
     * newer Java's named-groups methods up by reflection on each get and set, and fails.
     */
    private static SSLParameters parameters(String[] ciphers) {
        SSLParameters p = new SSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setCipherSuites(ciphers);
        p.setUseCipherSuitesOrder(true);
        p.setNeedClientAuth(false);
        p.setWantClientAuth(false);
        return p;
    }

    private Loaded current() {
        Loaded l = loaded;
        String stamp;
        try {
            stamp = stamp(certFile, keyFile);
        } catch (IOException e) {
            return l; // a file is missing for a moment (being replaced): keep the pair in use
        }
        if (stamp.equals(l.stamp()) || stamp.equals(refusedStamp)) {
            return l;
        }
        synchronized (this) {
            l = loaded;
            if (stamp.equals(l.stamp())) {
                return l;
            }
            try {
                l = read(certFile, keyFile);
                loaded = l;
                LOG.info("TLS certificate reloaded from {}", certFile);
            } catch (IOException e) {
                refusedStamp = stamp;
                LOG.warn("TLS certificate not reloaded, the previous one stays in use: {}", e.getMessage());
            }
            return l;
        }
    }

    /** The certificate file in use. */
    public Path certFile() {
        return certFile;
    }

    /**
     * A client's context that trusts this server's certificate alone (read now from {@link #certFile}):
     * for a client on the same machine that checks it talks to this server, such as the crypto
     * benchmark's and the provider test's handshakes with a generated certificate.
     */
    public SSLContext clientTrustingThis() throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (java.io.InputStream in = Files.newInputStream(certFile)) {
            trust.setCertificateEntry("server", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    @Override
    public String toString() {
        return "TLS " + Arrays.toString(PROTOCOLS) + " with " + certFile;
    }
}
