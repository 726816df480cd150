package org.tubemail.relay;

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
 */
public record RelaySettings(String host, int port, Security security, String username, String password, Duration timeout) {

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
        return "RelaySettings[" + host + ":" + port + " " + security + (username.isEmpty() ? "" : " user=" + username) + "]";
    }
}
