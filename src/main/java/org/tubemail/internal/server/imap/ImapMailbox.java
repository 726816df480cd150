package org.tubemail.internal.server.imap;

import java.time.Duration;
import java.util.Objects;

/**
 * One mailbox an {@link ImapReceiver} watches.
 *
 * @param name         a name for logs, threads and the progress file ({@code receiver.imap.NAME})
 * @param host         the IMAP server
 * @param port         its port (993 for TLS, 143 otherwise)
 * @param security     how the connection is protected
 * @param user         the login
 * @param password     the password; unused with a token provider
 * @param tokens       XOAUTH2 access tokens, or {@code null} to log in with the password
 * @param folder       the folder to watch, e.g. {@code INBOX}
 * @param after        what to do with a message once it is routed
 * @param moveTo       the folder routed messages go to ({@link After#MOVE}); created when missing
 * @param flag         the flag or keyword set on routed messages ({@link After#FLAG}), e.g. {@code $Tubemail}
 * @param address      the recipient every message is routed to, or {@code ""} to take it from
 *                     {@code X-Original-To}, {@code Delivered-To}, else {@code To} and {@code Cc}
 * @param pollInterval how often to look for mail without IDLE; with IDLE, how often the connection is checked
 * @param idle         whether to use IDLE when the server offers it
 * @param sslTrust     hosts whose certificates are trusted without checks ({@code *} for all), or {@code ""}
 * @param timeout      connect and read time limit
 */
public record ImapMailbox(String name, String host, int port, Security security, String user, String password,
                          ImapTokenProvider tokens, String folder, After after, String moveTo, String flag, String address,
                          Duration pollInterval, boolean idle, String sslTrust, Duration timeout) {

    /** Connection protection. */
    public enum Security {
        /** Plain IMAP (loopback and tests only). */
        NONE,
        /** Plain connection upgraded with STARTTLS, which is required. */
        STARTTLS,
        /** IMAPS: TLS from the first byte. */
        TLS
    }

    /** What happens to a routed message on the server. */
    public enum After {
        /** Moved to {@link #moveTo} (IMAP MOVE, or COPY and expunge). */
        MOVE,
        /** Left in place with {@link #flag} set. */
        FLAG,
        /** Deleted and expunged. */
        DELETE
    }

    /** Rejects missing parts. */
    public ImapMailbox {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(after, "after");
    }

    /** Hides the password. */
    @Override
    public String toString() {
        return "imap " + name + " (" + user + "@" + host + ":" + port + " " + security + ", folder " + folder + ")";
    }
}
