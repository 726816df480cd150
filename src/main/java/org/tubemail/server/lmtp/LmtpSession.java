package org.tubemail.server.lmtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.auth.UpstreamResults;
import org.tubemail.io.DiskFull;
import org.tubemail.mail.Addresses;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailParseException;
import org.tubemail.mail.MailRequest;
import org.tubemail.queue.EnvelopeHeaders;
import org.tubemail.routing.DeliveryReport;
import org.tubemail.routing.RecipientResult;
import org.tubemail.routing.Router;
import org.tubemail.server.ConnectionSecurity;
import org.tubemail.server.DataReader;
import org.tubemail.server.ReceiverSettings;
import org.tubemail.server.RecipientPolicy;
import org.tubemail.server.SpoolFailure;
import org.tubemail.server.TraceHeader;
import org.tubemail.server.smtp.SmtpDialog;
import org.tubemail.server.smtp.SmtpPath;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One LMTP conversation. Replies: {@code 500}/{@code 501}/{@code 503} for unknown, malformed and
 * out-of-order commands; {@code RCPT} checks as in SMTP ({@link RecipientPolicy}); after
 * {@code DATA}, per recipient: handled {@code 250 2.0.0}, no method for its state {@code 550 5.1.1},
 * handler failure {@code 554 5.3.0} (both kept in the undeliverable queue), a handler's
 * {@link org.tubemail.routing.SmtpReject} its own code and text (not kept: the MTA tells the
 * sender or tries again), and {@code 451 4.3.0}
 * for all when the message could not be routed at all, e.g. state storage away (the MTA keeps
 * it and tries again).
 *
 * <p>STARTTLS as in SMTP: offered in {@code LHLO} when the listener has a certificate; the socket
 * becomes an {@link SSLSocket}, whatever the client sent after the command in plaintext is thrown
 * away, and the client must say {@code LHLO} again; {@code 530 5.7.0} to {@code MAIL} before it
 * when TLS is required.
 */
final class LmtpSession {

    private static final Logger LOG = LoggerFactory.getLogger(LmtpSession.class);
    private static final int MAX_LINE = 64 * 1024;

    private final ReceiverSettings settings;
    private final RecipientPolicy policy;
    private final Router router;
    private final ConnectionSecurity security;
    private final UpstreamResults upstream;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private SSLSocket tls;
    private final String peer;
    private final String clientIp;
    private String lhloName;
    private String from;
    private final List<String> recipients = new ArrayList<>();

    LmtpSession(Socket socket, ReceiverSettings settings, RecipientPolicy policy, Router router, ConnectionSecurity security,
                UpstreamResults upstream) throws IOException {
        this(socket, socket.getInputStream(), socket.getOutputStream(), socket.getRemoteSocketAddress() instanceof InetSocketAddress a
                ? a : null, String.valueOf(socket.getRemoteSocketAddress()), settings, policy, router, security, upstream);
    }

    /**
     * A conversation over a unix-domain socket channel's streams (no STARTTLS: the socket is local).
     *
     * @param name what to call the client, e.g. {@code unix}
     */
    LmtpSession(InputStream in, OutputStream out, String name, ReceiverSettings settings, RecipientPolicy policy, Router router,
                UpstreamResults upstream) {
        this(null, in, out, null, name, settings, policy, router, ConnectionSecurity.NONE, upstream);
    }

    private LmtpSession(Socket socket, InputStream in, OutputStream out, InetSocketAddress remote, String name, ReceiverSettings settings,
                        RecipientPolicy policy, Router router, ConnectionSecurity security, UpstreamResults upstream) {
        this.settings = settings;
        this.upstream = upstream;
        this.security = security;
        this.socket = socket;
        this.policy = policy;
        this.router = router;
        this.in = new BufferedInputStream(in);
        this.out = out;
        this.clientIp = remote != null ? remote.getAddress().getHostAddress() : name;
        this.peer = remote != null ? clientIp + ":" + remote.getPort() : clientIp;
    }

    void run() throws IOException {
        router.monitor().connectionOpened();
        reply("220 " + settings.host() + " LMTP Tubemail ready");
        String line;
        while ((line = readLine()) != null) {
            if (line.length() > MAX_LINE) {
                reply("500 5.5.2 Line too long");
                continue;
            }
            if (!line.endsWith("\r")) {
                reply(SmtpDialog.BARE_LF);
                continue;
            }
            line = line.substring(0, line.length() - 1);
            String verb = (line.contains(" ") ? line.substring(0, line.indexOf(' ')) : line).toUpperCase(Locale.ROOT);
            String arg = line.length() > verb.length() ? line.substring(verb.length()).trim() : "";
            switch (verb) {
                case "LHLO" -> lhlo(arg);
                case "HELO", "EHLO" -> reply("500 5.5.1 This is an LMTP server: use LHLO");
                case "MAIL" -> mail(arg);
                case "RCPT" -> rcpt(arg);
                case "DATA" -> data();
                case "RSET" -> {
                    reset();
                    reply("250 2.0.0 Ok");
                }
                case "NOOP" -> reply("250 2.0.0 Ok");
                case "VRFY" -> reply("252 2.5.0 Cannot verify, but will try");
                case "STARTTLS" -> startTls(arg);
                case "QUIT" -> {
                    reply("221 2.0.0 Bye");
                    return;
                }
                default -> reply("500 5.5.2 Unknown command");
            }
        }
    }

    private void lhlo(String arg) throws IOException {
        if (arg.isEmpty()) {
            reply("501 5.5.4 LHLO needs a host name");
            return;
        }
        lhloName = arg;
        reset();
        reply("250-" + settings.host() + (security.tls() != null && tls == null ? "\r\n250-STARTTLS" : "") + "\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SIZE "
                + settings.maxMessageBytes());
    }

    private void mail(String arg) throws IOException {
        if (lhloName == null) {
            reply("503 5.5.1 Send LHLO first");
        } else if (security.tlsRequired() && tls == null) {
            reply("530 5.7.0 Must issue a STARTTLS command first");
        } else if (from != null) {
            reply("503 5.5.1 Sender already given");
        } else if (!arg.regionMatches(true, 0, "FROM:", 0, 5)) {
            reply("501 5.5.4 Syntax: MAIL FROM:<address>");
        } else {
            SmtpPath path = SmtpPath.parse(arg.substring(5));
            if (path == null) {
                reply("501 5.1.7 Bad sender address syntax");
                return;
            }
            from = path.address();
            reply("250 2.1.0 Ok");
        }
    }

    private void rcpt(String arg) throws IOException {
        if (from == null) {
            reply("503 5.5.1 Send MAIL first");
        } else if (!arg.regionMatches(true, 0, "TO:", 0, 3)) {
            reply("501 5.5.4 Syntax: RCPT TO:<address>");
        } else if (recipients.size() >= settings.maxRecipients()) {
            reply("452 4.5.3 Too many recipients");
        } else {
            SmtpPath path = SmtpPath.parse(arg.substring(3));
            String a = path == null ? null : path.address();
            RecipientPolicy.Refusal refusal = a == null ? new RecipientPolicy.Refusal(501, "5.1.3 Bad recipient address syntax")
                    : policy.check(RecipientPolicy.normalise(a));
            if (refusal != null) {
                reply(refusal.code() + " " + refusal.text());
                return;
            }
            recipients.add(RecipientPolicy.normalise(a));
            reply("250 2.1.5 Ok");
        }
    }

    private void startTls(String arg) throws IOException {
        if (security.tls() == null) {
            reply("502 5.5.1 STARTTLS is not offered here");
        } else if (tls != null) {
            reply("503 5.5.1 TLS is already active");
        } else if (!arg.isEmpty()) {
            reply("501 5.5.4 STARTTLS takes no parameters");
        } else {
            reply("220 2.0.0 Ready to start TLS");
            tls = security.tls().upgrade(socket); // the old buffered reader, and what it holds, is dropped
            tls.startHandshake();
            router.monitor().tlsSession();
            socket = tls;
            in = new BufferedInputStream(tls.getInputStream());
            out = tls.getOutputStream();
            lhloName = null;
            reset();
        }
    }

    private void data() throws IOException {
        if (from == null) {
            reply("503 5.5.1 Send MAIL first");
            return;
        }
        if (recipients.isEmpty()) {
            reply("503 5.5.1 Send RCPT first");
            return;
        }
        reply("354 End data with <CR><LF>.<CR><LF>");
        byte[] raw = DataReader.read(in, (int) Math.min(Integer.MAX_VALUE, settings.maxMessageBytes() + 1));
        if (raw == null) {
            throw new IOException("connection closed during DATA; nothing was accepted");
        }
        if (raw.length > settings.maxMessageBytes()) {
            for (String r : recipients) {
                reply("552 5.3.4 <" + r + "> Message too big: the limit is " + settings.maxMessageBytes() + " bytes");
            }
        } else {
            String cipher = tls == null ? null : tls.getSession().getProtocol() + " with cipher " + tls.getSession().getCipherSuite();
            deliver(TraceHeader.prepend(lhloName, clientIp, settings.host(), "LMTP", cipher, "", raw), upstream.read(raw));
        }
        reset();
    }

    private void deliver(byte[] raw, Authentication verdicts) throws IOException {
        Envelope envelope = new Envelope(peer, Addresses.strip(from), recipients, verdicts);
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
                LOG.error("LMTP: cannot route message from <{}> now: {}", from, e.toString());
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

    private void allRecipients(String text) throws IOException {
        for (int i = 0; i < recipients.size(); i++) {
            reply(text);
        }
    }

    private void reset() {
        from = null;
        recipients.clear();
    }

    /**
     * One line read as UTF-8, without its LF but with the CR before it, if any (a line ended by a
     * bare LF is refused); {@code null} at end of stream. Past {@code MAX_LINE} bytes the rest is dropped.
     */
    private String readLine() throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                return b.toString(StandardCharsets.UTF_8);
            }
            if (b.size() <= MAX_LINE) {
                b.write(c);
            }
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    private void reply(String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
