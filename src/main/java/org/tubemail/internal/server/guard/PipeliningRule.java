package org.tubemail.internal.server.guard;

/**
 * When a client may send a command before it has the reply to the one before (RFC 2920). Only
 * after {@code EHLO} has offered {@code PIPELINING}, and even then a command that changes what
 * comes next ({@code EHLO}, {@code HELO}, {@code DATA}, {@code VRFY}, {@code EXPN}, {@code TURN},
 * {@code NOOP}) must end its group: the client waits for its reply. A client that sends on
 * anyway does not speak SMTP (it is a bot firing a script, or it tries to smuggle a command into
 * a message), so it is refused as Postfix does with {@code smtpd_forbid_unauth_pipelining} (on by
 * default since Postfix 3.9). {@code QUIT} and {@code STARTTLS} are not listed: what follows
 * {@code QUIT} is never read, and what follows {@code STARTTLS} is thrown away.
 */
public final class PipeliningRule {

    private static final String[] LAST_IN_GROUP = {"EHLO", "HELO", "DATA", "VRFY", "EXPN", "TURN", "NOOP"};

    private PipeliningRule() {
    }

    /**
     * Whether {@code line}, a command line without its CRLF, had to be the last one sent before
     * the client reads its reply.
     *
     * @param offered whether {@code EHLO} offered {@code PIPELINING} in this session (and TLS has not
     *                started since)
     */
    public static boolean mustWait(String line, boolean offered) {
        if (!offered) {
            return true;
        }
        if (line.length() != 4 && (line.length() < 5 || line.charAt(4) != ' ')) {
            return false;
        }
        for (String verb : LAST_IN_GROUP) {
            if (line.regionMatches(true, 0, verb, 0, 4)) {
                return true;
            }
        }
        return false;
    }
}
