package org.tubemail.internal.relay;

import java.time.Duration;

/**
 * How a relay delivers straight to recipients' mail exchangers ({@code relay.host=mx}).
 *
 * @param port     the SMTP port of every exchanger: 25, as the Internet uses; another only for tests
 * @param startTls whether to use STARTTLS when the exchanger offers it (opportunistic, RFC 7435:
 *                 certificates are not checked, since exchangers rarely have one for their name; an
 *                 exchanger that offers no STARTTLS gets the message in plain text)
 * @param helo     the name to give in {@code EHLO}, which receivers compare with the sending address's
 *                 reverse DNS; {@code ""} for the machine's own host name
 * @param timeout  connect and read time limit per exchanger
 */
public record MxSettings(int port, boolean startTls, String helo, Duration timeout) {

    @Override
    public String toString() {
        return "MX delivery[port " + port + (startTls ? ", STARTTLS when offered" : ", no TLS")
                + (helo.isEmpty() ? "" : ", EHLO " + helo) + "]";
    }
}
