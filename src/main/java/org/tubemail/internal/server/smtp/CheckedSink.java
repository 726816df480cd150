package org.tubemail.internal.server.smtp;

import org.tubemail.mail.Authentication;

/** Takes a finished message with its sender checks' verdicts: the {@link SmtpSpooler}, or a gate in front of it. */
interface CheckedSink {
    void accept(SmtpConnection connection, byte[] message, Authentication verdicts);
}
