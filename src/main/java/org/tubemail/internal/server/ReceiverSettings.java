package org.tubemail.internal.server;

import java.time.Duration;
import java.util.Set;

/**
 * How an SMTP or LMTP listener behaves.
 *
 * @param host            the address to bind, e.g. {@code 127.0.0.1}
 * @param port            the port; 0 picks a free one
 * @param acceptedDomains recipient domains accepted at {@code RCPT}; mail for any other domain is refused with 550
 *                        ({@code *} accepts every domain: only for servers that store mail and never relay)
 * @param maxMessageBytes larger messages are refused with 552
 * @param maxRecipients   more recipients are refused with 452
 * @param idleTimeout     a connection silent this long is closed
 * @param maxConnections  more simultaneous connections are refused with 421
 * @param workers         how many spooled messages are routed at once, by the receiving sessions or by
 *                        as many worker threads
 */
public record ReceiverSettings(String host, int port, Set<String> acceptedDomains, long maxMessageBytes,
                               int maxRecipients, Duration idleTimeout, int maxConnections, int workers) {

    /** Copies the domain set (in lower case) and checks the limits. */
    public ReceiverSettings {
        acceptedDomains = acceptedDomains.stream().map(d -> d.toLowerCase(java.util.Locale.ROOT))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        if (port < 0 || port > 65535 || maxMessageBytes < 1 || maxRecipients < 1 || maxConnections < 1 || workers < 1) {
            throw new IllegalArgumentException("receiver limits must be positive and the port 0-65535: " + port);
        }
    }

    /** Settings without an explicit worker count: 32 workers (they mostly wait for disk syncs, which they share). */
    public ReceiverSettings(String host, int port, Set<String> acceptedDomains, long maxMessageBytes, int maxRecipients,
                            Duration idleTimeout, int maxConnections) {
        this(host, port, acceptedDomains, maxMessageBytes, maxRecipients, idleTimeout, maxConnections, 32);
    }

    /** Defaults for a local listener on {@code port} accepting {@code domains}: 10 MiB, 100 recipients, 60 s, 500 connections, 32 workers. */
    public static ReceiverSettings local(int port, Set<String> domains) {
        return new ReceiverSettings("127.0.0.1", port, domains, 10L * 1024 * 1024, 100, Duration.ofSeconds(60), 500, 32);
    }
}
