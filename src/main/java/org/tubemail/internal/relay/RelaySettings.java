package org.tubemail.internal.relay;

import java.time.Duration;

/**
 * Where and how a {@link SmtpRelay} sends mail.
 *
 * @param host     the smarthost
 * @param port     its port (25, 587 for STARTTLS, 465 for TLS)
 * @param security how the connection is protected
 * @param username the login, or {@code ""} for none
 * @param password the password, or {@code ""}
 * @param timeout  connect and read time limit
 * @param sslTrust which certificates to accept without checking them against the JVM's trust
 *                 store and the host name: {@code ""} (the default) checks every certificate,
 *                 {@code "*"} trusts all, otherwise host names separated by spaces (for a smarthost
 *                 with a self-signed certificate); Jakarta Mail's {@code mail.smtp.ssl.trust}
 */
public record RelaySettings(String host, int port, Security security, String username, String password, Duration timeout,
                            String sslTrust) {

    /** Settings that check every certificate. */
    public RelaySettings(String host, int port, Security security, String username, String password, Duration timeout) {
        this(host, port, security, username, password, timeout, "");
    }

    /** Connection protection. */
    public enum Security {
        /** Plain SMTP. */
        NONE,
        /** Plain connection upgraded with STARTTLS, which is required. */
        STARTTLS,
        /** TLS from the first byte (SMTPS). */
        TLS
    }

    /** Hides the password. */
    @Override
    public String toString() {
        return "RelaySettings[" + host + ":" + port + " " + security + (username.isEmpty() ? "" : " user=" + username)
                + (sslTrust.isEmpty() ? "" : " trust=" + sslTrust) + "]";
    }
}
