package org.tubemail.internal.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.amazon.corretto.crypto.provider.SelfTestStatus;
import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.security.Provider;
import java.security.Security;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The JCA provider Tubemail's cryptography runs on (TLS through JSSE, DKIM signatures, HMACs):
 * Amazon Corretto Crypto Provider (native code on AWS-LC), installed as the most-preferred provider
 * when its native library loads and its own self-tests pass, followed by {@link BouncyCastleX25519}
 * for the X25519 key exchange it lacks; otherwise the JDK's providers, with one
 * log line saying why. The choice is process-wide: the last {@link #use} wins. Code that does
 * cryptography never names a provider ({@code Signature.getInstance(alg)}), so it follows this one.
 *
 * <p>The server side of TLS is the one exception: in native mode it runs on Conscrypt, whose
 * {@code SSLEngine} is BoringSSL (handshake, key exchange and records in native code), when its
 * library loads; {@link #serverTlsProvider()} gives it. Conscrypt is not put in the provider list,
 * so it serves nothing else. Without it the server's TLS runs on JSSE over the providers above.
 */
public final class CryptoProvider {

    /** The system property that gives the default choice ({@code native} or {@code jdk}), e.g. for a test run. */
    public static final String PROPERTY = "tubemail.crypto.provider";

    private static final Logger LOG = LoggerFactory.getLogger(CryptoProvider.class);
    private static final String NATIVE_NAME = "AmazonCorrettoCryptoProvider";
    /** The server's TLS on JSSE, over the providers in the list. */
    private static final String JSSE = "JSSE";

    private static InUse current;
    /** Conscrypt, when the server's TLS runs on it; else {@code null}. */
    private static Provider tls;
    /** Counts the changes of the provider list that {@link #use} made. */
    private static volatile int generation;

    /** Which provider to use. */
    public enum Mode {
        /** The native provider when it loads, else the JDK's. */
        NATIVE,
        /** Only the JDK's own providers. */
        JDK;

        /** The setting's spelling: {@code native} or {@code jdk}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The provider in use.
     *
     * @param requested what was asked for
     * @param provider  the provider name ({@code AmazonCorrettoCryptoProvider}, or {@code JDK})
     * @param version   its version (for the native one, with the AWS-LC version), or the Java version
     * @param reason    why the JDK's providers are in use although the native one was asked for, else empty
     * @param tls       what the server's TLS runs on: {@code Conscrypt 2.6.1 (BoringSSL)}, or {@code JSSE}
     * @param tlsReason why JSSE although native was asked for, else empty
     */
    public record InUse(Mode requested, String provider, String version, String reason, String tls, String tlsReason) {

        /** Whether the native provider is in use. */
        public boolean isNative() {
            return provider.equals(NATIVE_NAME);
        }

        /** Whether the server's TLS runs on Conscrypt (BoringSSL). */
        public boolean nativeTls() {
            return !tls.equals(JSSE);
        }

        /** One line for {@code status} and the log. */
        public String describe() {
            String line = provider + " " + version;
            if (!reason.isEmpty()) {
                line += " (native provider not in use: " + reason + ")";
            } else if (requested == Mode.JDK) {
                line += " (crypto.provider=jdk)";
            }
            line += ", TLS on " + tls;
            return tlsReason.isEmpty() ? line : line + " (Conscrypt not in use: " + tlsReason + ")";
        }

        /** The fields {@code /api/status} shows. */
        public Map<String, Object> toMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("provider", provider);
            out.put("version", version);
            out.put("native", isNative());
            out.put("requested", requested.label());
            out.put("tls", tls);
            out.put("description", describe());
            if (!reason.isEmpty()) {
                out.put("reason", reason);
            }
            if (!tlsReason.isEmpty()) {
                out.put("tlsReason", tlsReason);
            }
            return out;
        }
    }

    private CryptoProvider() {
    }

    /**
     * The default choice: the system property {@value #PROPERTY} ({@code native} or {@code jdk}),
     * else {@code native}.
     *
     * @throws IllegalArgumentException when the property holds anything else
     */
    public static Mode defaultMode() {
        String v = System.getProperty(PROPERTY, Mode.NATIVE.label()).trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "native" -> Mode.NATIVE;
            case "jdk" -> Mode.JDK;
            default -> throw new IllegalArgumentException("system property " + PROPERTY + " = '" + v + "': expected native or jdk");
        };
    }

    /**
     * Puts the chosen provider in place, process-wide: for {@link Mode#NATIVE} the native provider
     * first in the provider list (once its self-tests passed), for {@link Mode#JDK} without it.
     * Logs one line when what is in use changes.
     */
    public static synchronized InUse use(Mode mode) {
        if (current != null && current.requested() == mode && current.isNative() == (Security.getProvider(NATIVE_NAME) != null)) {
            return current; // in place already (or, for native, failed already: that does not change within a process)
        }
        InUse next = mode == Mode.NATIVE ? installNative() : removeNative(Mode.JDK, "");
        if (!next.equals(current)) {
            generation++;
            if (!next.reason().isEmpty()) {
                LOG.warn("crypto: JDK providers in use, the native provider did not load: {}", next.reason());
            } else if (!next.tlsReason().isEmpty()) {
                LOG.warn("crypto: {}; the server's TLS runs on JSSE, Conscrypt did not load: {}", next.describe(), next.tlsReason());
            } else {
                LOG.info("crypto: {}{}", next.describe(), next.isNative() ? ", self-tests passed, first in the provider list" : "");
            }
        }
        current = next;
        return next;
    }

    /**
     * A number that changes whenever {@link #use} changed the providers: a JCA object kept for reuse
     * (it stays with the provider it was first initialised on) is got anew when this changed.
     */
    public static int generation() {
        return generation;
    }

    /** What is in use now; the JDK's providers unless {@link #use} installed the native one. */
    public static synchronized InUse current() {
        if (current == null) {
            boolean installed = Security.getProvider(NATIVE_NAME) != null;
            return installed ? nativeInUse("") : jdk(Mode.JDK, "");
        }
        return current;
    }

    /** Conscrypt, for the server side of TLS, when native mode put it in use; else {@code null} (JSSE). */
    public static synchronized Provider serverTlsProvider() {
        return tls;
    }

    /**
     * Sets what differs between the engines on a server engine of {@link #serverTlsProvider()}'s context:
     * Conscrypt issues TLS 1.3 session tickets only when asked, as JSSE does by default, so that a
     * client's next session resumes without a signature.
     */
    public static SSLEngine serverEngine(SSLEngine engine) {
        if (Conscrypt.isConscrypt(engine)) {
            Conscrypt.setUseSessionTickets(engine, true);
        }
        return engine;
    }

    private static InUse installNative() {
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            Throwable loading = accp.getLoadingError();
            if (loading != null) {
                return removeNative(Mode.NATIVE, "its native library did not load on " + platform() + ": " + message(loading));
            }
            SelfTestStatus tests = accp.runSelfTests();
            if (tests != SelfTestStatus.PASSED) {
                return removeNative(Mode.NATIVE, "its self-tests did not pass (" + tests + ")");
            }
            if (Security.getProvider(NATIVE_NAME) == null) {
                AmazonCorrettoCryptoProvider.install();
            }
            if (Security.getProvider(BouncyCastleX25519.NAME) == null) {
                Security.insertProviderAt(new BouncyCastleX25519(), 2); // right after the native provider, which has no X25519 for JSSE
            }
            accp.assertHealthy();
            return nativeInUse(loadConscrypt());
        } catch (LinkageError e) {
            return removeNative(Mode.NATIVE, "it is not on the class path or does not link on " + platform() + ": " + message(e));
        } catch (RuntimeException e) {
            return removeNative(Mode.NATIVE, "its health check failed: " + message(e));
        }
    }

    /**
     * Puts Conscrypt in place for the server's TLS once its library loads and it makes an engine;
     * returns why not, else an empty string.
     */
    private static String loadConscrypt() {
        try {
            Conscrypt.checkAvailability();
            Provider p = Conscrypt.newProviderBuilder().setName("Conscrypt").provideTrustManager(false).build();
            SSLContext probe = SSLContext.getInstance("TLS", p);
            probe.init(null, null, null);
            probe.createSSLEngine().getSupportedCipherSuites();
            tls = p;
            return "";
        } catch (LinkageError | RuntimeException | java.security.GeneralSecurityException e) {
            tls = null;
            return "its native library did not load on " + platform() + ": " + message(e);
        }
    }

    private static InUse nativeInUse(String tlsReason) {
        AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
        String version = accp.getVersionStr() + " (" + accp.getAwsLcVersionStr() + "), X25519 on Bouncy Castle "
                + BouncyCastleX25519.bouncyCastleVersion();
        return new InUse(Mode.NATIVE, NATIVE_NAME, version, "", tlsName(), tlsReason);
    }

    private static String tlsName() {
        if (tls == null) {
            return JSSE;
        }
        Conscrypt.Version v = Conscrypt.version();
        return "Conscrypt " + v.major() + "." + v.minor() + "." + v.patch() + " (BoringSSL)";
    }

    /** Takes the native provider out of the list (a no-op when it is not there): the JDK's providers remain. */
    private static InUse removeNative(Mode requested, String reason) {
        Security.removeProvider(NATIVE_NAME);
        Security.removeProvider(BouncyCastleX25519.NAME);
        tls = null;
        return jdk(requested, reason);
    }

    private static InUse jdk(Mode requested, String reason) {
        return new InUse(requested, "JDK", Runtime.version().toString(), reason, JSSE, "");
    }

    private static String platform() {
        return System.getProperty("os.name") + "/" + System.getProperty("os.arch");
    }

    private static String message(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
