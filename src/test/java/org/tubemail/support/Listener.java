package org.tubemail.support;

import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.Receiver;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.lmtp.LmtpReceiver;
import org.tubemail.internal.server.lmtp.UnixLmtpReceiver;
import org.tubemail.internal.server.smtp.SmtpReceiver;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * The listeners that speak the one SMTP dialog, for tests that must hold on each of them: SMTP (on
 * its loop, with a maildir spool), LMTP over TCP, LMTP over a unix-domain socket. Used as a
 * {@code @EnumSource} parameter.
 */
public enum Listener {

    SMTP, LMTP, LMTP_UNIX;

    /** A started listener of one kind; {@link #connect} opens a client to it. */
    public record Running(Listener kind, Receiver receiver, int port, Path socket) implements AutoCloseable {

        /** A client connected to the listener (greeting not yet read). */
        public SmtpClient connect() throws IOException {
            return socket != null ? new SmtpClient(socket) : new SmtpClient(port);
        }

        @Override
        public void close() {
            receiver.stop(Duration.ofSeconds(10));
        }
    }

    /** Starts a listener of this kind (on 127.0.0.1 and a free port, or a socket file in {@code dir}). */
    public Running start(ReceiverSettings settings, Router router, Path dir) throws IOException {
        switch (this) {
            case SMTP -> {
                SmtpReceiver r = new SmtpReceiver(settings, router, new MaildirQueue(dir.resolve("spool")));
                r.start();
                return new Running(this, r, r.port(), null);
            }
            case LMTP -> {
                LmtpReceiver r = new LmtpReceiver(settings, router);
                r.start();
                return new Running(this, r, r.port(), null);
            }
            default -> {
                UnixLmtpReceiver r = new UnixLmtpReceiver(dir.resolve("lmtp.sock"), PosixFilePermissions.fromString("rw-------"), "",
                        settings, router);
                r.start();
                return new Running(this, r, 0, r.path());
            }
        }
    }

    /** Whether this listener speaks LMTP: {@code LHLO}, and one reply per accepted recipient after {@code DATA}. */
    public boolean lmtp() {
        return this != SMTP;
    }

    /** The greeting command: {@code EHLO} or {@code LHLO}. */
    public String hello() {
        return lmtp() ? "LHLO" : "EHLO";
    }
}
