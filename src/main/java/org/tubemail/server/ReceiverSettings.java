package org.tubemail.server;

import java.time.Duration;
import java.util.Set;

/**
 * How an SMTP or LMTP listener behaves.
 *
 * @param host            the address to bind, e.g. {@code 127.0.0.1}
 * @param port            the port; 0 picks a free one
 * @param acceptedDomains recipient domains accepted at {@code RCPT} (lower case); mail for any other domain is refused with 550
 * @param maxMessageBytes larger messages are refused with 552
 * @param maxRecipients   more recipients are refused with 452
 * @param idleTimeout     a connection silent this long is closed
 * @param maxConnections  more simultaneous connections are refused with 421
 */
public record ReceiverSettings(String host, int port, Set<String> acceptedDomains, long maxMessageBytes,
                               int maxRecipients, Duration idleTimeout, int maxConnections) {

    /** Copies the domain set. */
    public ReceiverSettings {
        acceptedDomains = Set.copyOf(acceptedDomains);
    }

    /** Defaults for a local listener on {@code port} accepting {@code domains}: 10 MiB, 100 recipients, 60 s, 500 connections. */
    public static ReceiverSettings local(int port, Set<String> domains) {
        return new ReceiverSettings("127.0.0.1", port, domains, 10L * 1024 * 1024, 100, Duration.ofSeconds(60), 500);
    }
}
