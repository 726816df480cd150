package org.tubemail.internal.app;

import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.proxy.ProxyPolicy;
import org.tubemail.internal.server.tls.TlsContext;

import java.io.IOException;
import java.util.List;

/**
 * The receivers' STARTTLS and PROXY protocol settings: {@code receiver.tls.enabled},
 * {@code receiver.tls.cert}, {@code receiver.tls.key}, {@code receiver.tls.required},
 * {@code receiver.proxy.protocol}, {@code receiver.proxy.trusted}.
 */
final class ReceiverSecurity {

    private ReceiverSecurity() {
    }

    /**
     * Reads the settings and the certificate (making a self-signed one for {@code host} under
     * {@code run/tls/} when none is configured).
     */
    static ConnectionSecurity create(Settings s, String host) {
        TlsContext tls = null;
        boolean required = s.bool("receiver.tls.required", false);
        if (s.bool("receiver.tls.enabled", true)) {
            tls = tls(s, host);
        } else if (required) {
            throw s.invalid("receiver.tls.required", "false while receiver.tls.enabled is false");
        }
        ProxyPolicy proxy = null;
        if (s.choice("receiver.proxy.protocol", "off", "on", "off").equals("on")) {
            List<String> trusted = s.list("receiver.proxy.trusted", "127.0.0.1/32,::1/128");
            try {
                proxy = ProxyPolicy.trusting(trusted);
            } catch (IllegalArgumentException e) {
                throw s.invalid("receiver.proxy.trusted", "a comma-separated list of IP networks such as 10.0.0.0/8, ::1/128 (" + e.getMessage() + ")");
            }
        }
        return new ConnectionSecurity(tls, required, proxy);
    }

    private static TlsContext tls(Settings s, String host) {
        String cert = s.string("receiver.tls.cert", "");
        String key = s.string("receiver.tls.key", "");
        if (cert.isEmpty() != key.isEmpty()) {
            throw s.invalid(cert.isEmpty() ? "receiver.tls.cert" : "receiver.tls.key",
                    "a PEM file, set together with " + (cert.isEmpty() ? "receiver.tls.key" : "receiver.tls.cert"));
        }
        try {
            if (cert.isEmpty()) {
                return TlsContext.loadOrGenerate(null, null, s.home().resolve("run").resolve("tls"), host);
            }
            return TlsContext.load(s.path("receiver.tls.cert", cert), s.path("receiver.tls.key", key));
        } catch (IOException e) {
            throw new ConfigException(s.source() + ": receiver.tls.cert / receiver.tls.key: expected a readable PEM certificate chain "
                    + "and its unencrypted private key: " + e.getMessage(), e);
        }
    }
}
