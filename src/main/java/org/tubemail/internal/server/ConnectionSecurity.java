package org.tubemail.internal.server;

import org.tubemail.internal.server.proxy.ProxyPolicy;
import org.tubemail.internal.server.tls.TlsContext;

/**
 * What a listener does about TLS and load balancers.
 *
 * @param tls         offers STARTTLS with this certificate; {@code null}: not offered
 * @param tlsRequired {@code MAIL} before {@code STARTTLS} is refused with {@code 530 5.7.0}
 * @param proxy       peers that must send a PROXY header naming the real client; {@code null}: none
 */
public record ConnectionSecurity(TlsContext tls, boolean tlsRequired, ProxyPolicy proxy) {

    /** No TLS, no PROXY protocol. */
    public static final ConnectionSecurity NONE = new ConnectionSecurity(null, false, null);

    /** Checks that TLS is there when it is required. */
    public ConnectionSecurity {
        if (tlsRequired && tls == null) {
            throw new IllegalArgumentException("TLS cannot be required when it is not offered");
        }
    }

    /** STARTTLS with {@code tls}, optional for clients; no PROXY protocol. */
    public static ConnectionSecurity tls(TlsContext tls) {
        return new ConnectionSecurity(tls, false, null);
    }
}
