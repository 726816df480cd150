package org.tubemail.internal.server.lmtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.auth.UpstreamResults;
import org.tubemail.internal.io.DiskFull;
import org.tubemail.internal.mail.Addresses;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.routing.DeliveryReport;
import org.tubemail.internal.routing.RecipientResult;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.DataReader;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.RecipientPolicy;
import org.tubemail.internal.server.SpoolFailure;
import org.tubemail.internal.server.TraceHeader;
import org.tubemail.internal.server.smtp.SmtpDialog;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailParseException;
import org.tubemail.mail.MailRequest;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLSocket;

/**
 * One LMTP conversation over a blocking connection, TCP or unix-domain: a transport for the SMTP
 * dialog in its LMTP mode ({@link SmtpDialog#lmtp}), which decides every command's reply exactly as
 * for SMTP. What is LMTP's own lives here: lines as the SMTP loop takes them (CRLF only,
 * {@link SmtpDialog#MAX_LINE}), the message read as SMTP reads it ({@link DataReader}), then routed
 * at once and answered per accepted recipient: handled {@code 250 2.0.0}, no method for its state
 * {@code 550 5.1.1}, an unauthenticated sender for a module that demands one {@code 550 5.7.26},
 * handler failure {@code 554 5.3.0} (these kept in the undeliverable queue), a handler's
 * {@link org.tubemail.handler.SmtpReject} its own code and text (not kept: the MTA tells the sender
 * or tries again), and for every recipient {@code 451 4.3.0} when the message could not be routed at
 * all, e.g. state storage away (the MTA keeps it and tries again), {@code 552 5.3.4} when it is too
 * big, {@code 554 5.6.0} when it cannot be parsed.
 *
 * <p>STARTTLS over TCP when the listener has a certificate: the socket becomes an {@link SSLSocket},
 * whatever the client sent after the command in plaintext is thrown away, and the client must say
 * {@code LHLO} again. Over a unix socket TLS is never offered.
 */
final class LmtpSession {

    private static final Logger LOG = LoggerFactory.getLogger(LmtpSession.class);

    private final ReceiverSettings settings;
    private final Router router;
    private final ConnectionSecurity security;
    private final UpstreamResults upstream;
    private final SmtpDialog dialog;
    private final Socket socket;
    private final String peer;
    private final String clientIp;
    private InputStream in;
    private OutputStream out;
    private SSLSocket tls;

    /**
     * @param channel  a blocking connection, TCP (read with the idle timeout, STARTTLS possible) or unix-domain
     * @param security STARTTLS over TCP (the PROXY protocol is not spoken: LMTP comes from a local MTA)
     */
    LmtpSession(SocketChannel channel, ReceiverSettings settings, RecipientPolicy policy, Router router, ConnectionSecurity security,
                UpstreamResults upstream) throws IOException {
        this.settings = settings;
        this.router = router;
        this.upstream = upstream;
        if (channel.getRemoteAddress() instanceof InetSocketAddress remote) {
            this.security = security;
            this.socket = channel.socket();
            socket.setSoTimeout((int) settings.idleTimeout().toMillis());
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
            this.clientIp = remote.getAddress().getHostAddress();
            this.peer = clientIp + ":" + remote.getPort();
        } else { // no read timeout: the MTA closes its cached connections itself
            this.security = ConnectionSecurity.NONE;
            this.socket = null;
            this.in = new BufferedInputStream(Channels.newInputStream(channel));
            this.out = Channels.newOutputStream(channel);
            this.clientIp = "unix";
            this.peer = clientIp;
        }
        this.dialog = SmtpDialog.lmtp(settings.host(), settings, policy, this.security.tls() != null, this.security.tlsRequired());
    }

    /** Holds the conversation until the client quits or goes; a client silent past the idle timeout gets {@code 421}. */
    void run() throws IOException {
        router.monitor().connectionOpened();
        reply(dialog.greeting());
        try {
            converse();
        } catch (SocketTimeoutException e) {
            reply(dialog.timeout());
        }
    }

    private void converse() throws IOException {
        Line line;
        while ((line = readLine()) != null) {
            String reply = line.refusal() != null ? line.refusal() : dialog.command(line.command());
            int refused = SmtpDialog.refusedRecipient(line.command(), reply);
            if (refused > 0) {
                router.monitor().refused("rcpt", refused);
            }
            reply(reply);
            if (dialog.quit()) {
                return;
            } else if (dialog.startTls()) {
                startTls();
            } else if (dialog.expectsData()) {
                data();
            }
        }
    }

    private void startTls() throws IOException {
        tls = security.tls().upgrade(socket); // the old buffered input, and what it holds, is dropped
        tls.startHandshake();
        router.monitor().tlsSession();
        in = new BufferedInputStream(tls.getInputStream());
        out = tls.getOutputStream();
        dialog.tlsStarted();
    }

    private void data() throws IOException {
        byte[] raw = DataReader.read(in, (int) Math.min(Integer.MAX_VALUE, settings.maxMessageBytes() + 1));
        if (raw == null) {
            throw new IOException("connection closed during DATA; nothing was accepted");
        }
        if (raw.length > settings.maxMessageBytes()) {
            router.monitor().refused("data", 552);
            allRecipients(dialog.tooBig());
        } else {
            String cipher = tls == null ? null : tls.getSession().getProtocol() + " with cipher " + tls.getSession().getCipherSuite();
            deliver(TraceHeader.prepend(dialog.helo(), clientIp, settings.host(), dialog.traceProtocol(), cipher, "", raw),
                    upstream.read(raw));
        }
        dialog.reset();
    }

    private void deliver(byte[] raw, Authentication verdicts) throws IOException {
        Envelope envelope = new Envelope(peer, Addresses.strip(dialog.from()), dialog.recipients(), verdicts);
        DeliveryReport report;
        try {
            MailRequest request;
            try {
                request = MailRequest.parse(envelope, raw);
            } catch (MailParseException e) {
                router.undeliverableQueue().push(EnvelopeHeaders.wrap(envelope, e.getMessage(), raw));
                allRecipients("554 5.6.0 Unreadable message, kept for the administrator");
                return;
            }
            router.monitor().accepted(peer, envelope.mailFrom(), envelope.recipients(), raw.length);
            report = router.deliver(request, Router.Rejects.REPLY_EACH);
        } catch (RuntimeException e) {
            if (!DiskFull.causes(e)) { // the full store logged it, once per episode
                LOG.error("LMTP: cannot route message from <{}> now: {}", dialog.from(), e.toString());
            }
            allRecipients(SpoolFailure.reply(e));
            return;
        }
        for (RecipientResult r : report.results()) {
            String reply = switch (r.status()) {
                case HANDLED -> "250 2.0.0 <" + r.recipient() + "> delivered";
                case UNDELIVERABLE -> "550 5.1.1 <" + r.recipient() + "> not handled in its current state; kept for the administrator";
                case UNAUTHENTICATED -> "550 5.7.26 <" + r.recipient() + "> accepts only authenticated senders; kept for the administrator";
                case FAILED -> "554 5.3.0 <" + r.recipient() + "> handler failed; kept for the administrator";
                case REJECTED -> r.rejection().code() + " " + r.rejection().status() + " <" + r.recipient() + "> "
                        + r.rejection().text();
            };
            if (!r.handled()) {
                router.monitor().refused("data", Integer.parseInt(reply.substring(0, 3)));
            }
            reply(reply);
        }
    }

    /** The same reply for each accepted recipient (RFC 2033: one reply per recipient, even when all share it). */
    private void allRecipients(String text) throws IOException {
        List<String> recipients = dialog.recipients();
        for (int i = 0; i < recipients.size(); i++) {
            reply(text);
        }
    }

    /** A command line without its CRLF, or the refusal of a line the dialog must not see. */
    private record Line(String command, String refusal) {
    }

    /**
     * One command line as UTF-8; a line longer than {@link SmtpDialog#MAX_LINE} or ended by a bare LF
     * comes with its refusal; {@code null} at end of stream.
     */
    private Line readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int length = 0;
        int c;
        while ((c = in.read()) != -1) {
            length++;
            if (c == '\n') {
                if (length > SmtpDialog.MAX_LINE) {
                    return new Line("", SmtpDialog.TOO_LONG);
                }
                byte[] line = b.toByteArray();
                if (line.length == 0 || line[line.length - 1] != '\r') {
                    return new Line("", SmtpDialog.BARE_LF);
                }
                return new Line(new String(line, 0, line.length - 1, StandardCharsets.UTF_8), null);
            }
            if (length <= SmtpDialog.MAX_LINE) {
                b.write(c);
            }
        }
        return null; // a last line without LF is no command
    }

    private void reply(String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
