package org.tubemail.mail;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import org.tubemail.internal.mail.Addresses;
import org.tubemail.internal.mail.BounceHeuristics;
import org.tubemail.internal.mail.DsnReader;
import org.tubemail.internal.mail.HeaderText;
import org.tubemail.internal.mail.HtmlText;
import org.tubemail.internal.mail.MimeParts;
import org.tubemail.internal.mail.ReportParts;
import org.tubemail.internal.mail.StreamProviderPin;
import org.tubemail.internal.mail.TextCharsets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * One received message as a handler sees it: the envelope, the recipient being routed, the parsed
 * {@link MimeMessage}, and the original bytes, which are kept untouched so that nothing is lost by
 * re-encoding.
 *
 * <p>Header and body accessors never throw on malformed input: a part that cannot be decoded is
 * skipped and the problem is reported by {@code MimeParts}.
 */
public final class MailRequest {

    private static final Session SESSION;

    static {
        StreamProviderPin.install();
        SESSION = parsingSession();
    }

    private final Envelope envelope;
    private final String recipient;
    private final byte[] raw;
    private final Decoded decoded;
    /** The handler module this copy is routed to, {@code ""} outside routing. */
    private final String module;

    /** What is decoded once per message and shared by its per-recipient views. */
    private static final class Decoded {
        private final byte[] raw;
        private final String from;
        private MimeMessage message;
        volatile MimeParts parts;
        volatile String messageId;
        volatile Optional<Bounce> bounce;

        Decoded(byte[] raw, String from) {
            this.raw = raw;
            this.from = from;
        }

        /** The parsed message, parsed on first use: routing alone reads its few headers from the raw bytes. */
        synchronized MimeMessage message() {
            if (message == null) {
                try {
                    message = new MimeMessage(SESSION, new SharedByteArrayInputStream(raw));
                } catch (MessagingException e) {
                    throw new MailParseException("cannot parse message from <" + from + ">: " + e.getMessage(), e);
                }
            }
            return message;
        }

        synchronized boolean parsed() {
            return message != null;
        }
    }

    private MailRequest(Envelope envelope, String recipient, byte[] raw, Decoded decoded, String module) {
        this.envelope = envelope;
        this.recipient = recipient;
        this.raw = raw;
        this.decoded = decoded;
        this.module = module;
    }

    /**
     * Takes {@code raw} (an RFC 5322 message) received with {@code envelope}. Nothing is parsed now:
     * the header block is parsed when a header or the {@link #message()} is first asked for (the
     * router's own questions, {@link #messageId()} and {@link #isBounce()}, read their headers from
     * the raw bytes), and bodies are decoded when first asked for.
     */
    public static MailRequest parse(Envelope envelope, byte[] raw) {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(raw, "raw");
        return new MailRequest(envelope, Addresses.strip(envelope.recipients().get(0)), raw, new Decoded(raw, envelope.mailFrom()), "");
    }

    /** Builds a request from a message made in code, e.g. in tests. */
    public static MailRequest of(Envelope envelope, MimeMessage message) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            return parse(envelope, out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MessagingException e) {
            throw new MailParseException("cannot serialise message: " + e.getMessage(), e);
        }
    }

    /** The same message as seen by another of its envelope recipients. */
    public MailRequest forRecipient(String address) {
        return new MailRequest(envelope, Addresses.strip(address), raw, decoded, module);
    }

    /** The same message as handed to the state methods of handler module {@code name} (the router does this). */
    public MailRequest forModule(String name) {
        return new MailRequest(envelope, recipient, raw, decoded, Objects.requireNonNull(name, "name"));
    }

    /**
     * The handler module this message is routed to, {@code ""} outside routing: the responder whose
     * automatic replies are counted ({@link MailResponse#automatic()}).
     */
    public String module() {
        return module;
    }

    /** A jakarta.mail session for parsing only: lenient, with no transport configured. */
    public static Session session() {
        return SESSION;
    }

    private static Session parsingSession() {
        Properties p = new Properties();
        p.setProperty("mail.mime.address.strict", "false");
        p.setProperty("mail.mime.decodetext.strict", "false");
        p.setProperty("mail.mime.base64.ignoreerrors", "true");
        p.setProperty("mail.mime.multipart.ignoremissingendboundary", "true");
        p.setProperty("mail.mime.multipart.allowempty", "true");
        p.setProperty("mail.mime.parameters.strict", "false");
        p.setProperty("mail.mime.allowutf8", "true");
        return Session.getInstance(p);
    }

    /** The envelope: peer, {@code MAIL FROM} and every {@code RCPT TO}. */
    public Envelope envelope() {
        return envelope;
    }

    /**
     * What the receiver's SPF, DKIM and DMARC checks found about the sender ({@link Authentication#NONE}
     * when the receiver ran none): the verdicts and, through
     * {@link Authentication#authenticatedDomain}, the domain that authenticates the sender.
     */
    public Authentication authentication() {
        return envelope.authentication();
    }

    /**
     * What the receiver's DNS blocklists and allowlists ({@code receiver.dnsbl}, {@code receiver.dnswl})
     * said about the client that sent the message; {@link DnsblVerdict#NONE} when none named it. With
     * {@code receiver.dnsbl.action=tag}, a listed client's mail arrives with {@link DnsblVerdict#listed()}.
     */
    public DnsblVerdict dnsbl() {
        return envelope.dnsbl();
    }

    /** The envelope sender ({@code MAIL FROM}) without angle brackets; {@code ""} for a bounce's null sender. */
    public String from() {
        return Addresses.strip(envelope.mailFrom());
    }

    /**
     * The envelope recipient being routed now, as the client wrote it (routes match it in any case
     * and hand their captures over in lower case; {@code Addresses.folded} gives that form).
     */
    public String to() {
        return recipient;
    }

    /** Every envelope recipient. */
    public List<String> recipients() {
        return envelope.recipients();
    }

    /** The client's address, or {@code ""} when unknown. */
    public String peer() {
        return envelope.peer();
    }

    /** The message exactly as received. The array is a copy. */
    public byte[] raw() {
        return raw.clone();
    }

    /** The size of the message as received, in bytes. */
    public int size() {
        return raw.length;
    }

    /**
     * The parsed message. Treat it as read-only: handlers share it.
     *
     * @throws MailParseException when not even the header block can be read
     */
    public MimeMessage message() {
        return decoded.message();
    }

    /** The first value of header {@code name}, decoded from RFC 2047 and unfolded, if present. */
    public Optional<String> header(String name) {
        List<String> all = headers(name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    /** Every value of header {@code name}, decoded and unfolded, in message order. */
    public List<String> headers(String name) {
        return headersRaw(name).stream().map(HeaderText::decode).toList();
    }

    /** The decoded {@code Subject}, or {@code ""}. */
    public String subject() {
        return header("Subject").orElse("");
    }

    /** The {@code Message-ID} header, or {@code ""} when the message has none. */
    public String messageId() {
        String id = decoded.messageId;
        if (id == null) {
            id = routingHeader("Message-ID").orElse("");
            decoded.messageId = id;
        }
        return id;
    }

    /** The addresses of the {@code From} header (not the envelope sender); empty when absent or unreadable. */
    public List<InternetAddress> fromHeader() {
        return addressHeader("From");
    }

    /** The addresses in header {@code name} (e.g. {@code To}, {@code Cc}, {@code Reply-To}), leniently parsed. */
    public List<InternetAddress> addressHeader(String name) {
        List<InternetAddress> out = new ArrayList<>();
        for (String v : headersRaw(name)) {
            try {
                for (Address a : InternetAddress.parseHeader(v, false)) {
                    if (a instanceof InternetAddress ia) {
                        out.add(withDecodedName(ia));
                    }
                }
            } catch (MessagingException e) {
                // an unreadable address header counts as absent
            }
        }
        return out;
    }

    /** {@code a} with a display name Jakarta Mail left encoded (a split character, a quoted or unknown charset) decoded. */
    private static InternetAddress withDecodedName(InternetAddress a) {
        String name = a.getPersonal();
        if (name == null || !(name.contains("=?") || name.indexOf('\uFFFD') >= 0)) {
            return a;
        }
        String written = a.toString(); // the display name as the header had it, then " <address>"
        int lt = written.lastIndexOf(" <");
        String encoded = lt < 0 ? name : written.substring(0, lt).trim();
        if (encoded.length() >= 2 && encoded.startsWith("\"") && encoded.endsWith("\"")) {
            encoded = encoded.substring(1, encoded.length() - 1).replaceAll("\\\\(.)", "$1");
        }
        try {
            return new InternetAddress(a.getAddress(), HeaderText.decode(encoded), StandardCharsets.UTF_8.name());
        } catch (java.io.UnsupportedEncodingException e) {
            return a;
        }
    }

    /**
     * The values of header {@code name}, encoded words still encoded. A value with 8-bit text that
     * is not UTF-8 (which the parser turns into U+FFFD) is read again from the original bytes in
     * the charset detected for it.
     */
    private List<String> headersRaw(String name) {
        String[] v;
        try {
            v = message().getHeader(name);
        } catch (MessagingException e) {
            return List.of();
        }
        if (v == null) {
            return List.of();
        }
        if (Arrays.stream(v).anyMatch(s -> s.indexOf('\uFFFD') >= 0)) {
            List<byte[]> bytes = HeaderText.rawValues(raw, name);
            if (bytes.size() == v.length) {
                return bytes.stream().map(b -> TextCharsets.decode(b, null).text()).toList();
            }
        }
        return Arrays.asList(v);
    }

    /**
     * The first value of header {@code name} as {@link #header} gives it, read from the raw bytes
     * while the message is not parsed and the value is ASCII (for the router's own questions, so
     * that routing alone never runs the MIME parser); otherwise from the parsed message.
     */
    private Optional<String> routingHeader(String name) {
        if (!decoded.parsed() && HeaderText.linesEndWithLf(raw)) {
            List<byte[]> values = HeaderText.rawValues(raw, name);
            if (values.isEmpty()) {
                return Optional.empty();
            }
            byte[] first = values.get(0);
            if (TextCharsets.isAscii(first)) {
                return Optional.of(HeaderText.decode(new String(first, StandardCharsets.US_ASCII)));
            }
        }
        return header(name);
    }

    private MimeParts parts() {
        MimeParts p = decoded.parts;
        if (p == null) {
            p = MimeParts.of(message());
            decoded.parts = p;
        }
        return p;
    }

    /** The first plain-text body that is not an attachment, decoded; {@code ""} when there is none. */
    public String text() {
        return parts().text();
    }

    /**
     * The body as a person reads it: the plain-text body, or, for a message that has only HTML,
     * that HTML rendered as text (paragraphs and line breaks kept, links followed by their
     * address, scripts and styles left out). What a reply quotes.
     */
    public String bodyText() {
        String text = text();
        return text.isBlank() && !html().isBlank() ? HtmlText.of(html()) : text;
    }

    /** The first HTML body that is not an attachment, decoded; {@code ""} when there is none. */
    public String html() {
        return parts().html();
    }

    /** The attachments: parts with a file name or an {@code attachment} disposition. */
    public List<Attachment> attachments() {
        return parts().attachments();
    }

    /** Problems met while decoding the body (bad encodings, limits reached); empty when clean. */
    public List<String> defects() {
        return parts().defects();
    }

    /** Whether the envelope sender is the null sender {@code <>} (bounces and other automatic notices). */
    public boolean isNullSender() {
        return from().isEmpty();
    }

    /**
     * Whether this message is a bounce (a delivery status notification): a null envelope sender, a
     * {@code multipart/report} with {@code report-type=delivery-status}, or a mailer daemon's
     * failure notice. A quick test of "automatic mail not to be answered": an out-of-office reply
     * with a null sender counts too. {@link #bounce()} reads what the bounce says.
     */
    public boolean isBounce() {
        if (from().isEmpty()) {
            return true;
        }
        String type = routingHeader("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/report") && type.contains("delivery-status")) {
            return true;
        }
        String sender = from().toLowerCase(Locale.ROOT);
        boolean daemon = sender.startsWith("mailer-daemon@")
                || (sender.startsWith("postmaster@") && subject().toLowerCase(Locale.ROOT).contains("deliver"));
        return daemon;
    }

    /**
     * What this message says about a failed delivery, when it is a bounce: hard or soft, the RFC 3463
     * status and its meaning, the final recipient, the reporting and remote servers, the diagnostic
     * and the returned message's headers. An RFC 3464 delivery status notification is read field by
     * field; other bounces (qmail, old Exchange, ...) are recognised by scoring the evidence, and
     * automatic replies such as out-of-office notes are not bounces. Success notifications
     * ({@code Action: delivered}) are not bounces either.
     *
     * <p>{@link #isBounce()} is the quick, broader test for "automatic mail not to be answered"; this
     * one reads the report. Never throws on malformed input: what cannot be read is no evidence.
     */
    public Optional<Bounce> bounce() {
        Optional<Bounce> b = decoded.bounce;
        if (b == null) {
            b = readBounce();
            decoded.bounce = b;
        }
        return b;
    }

    private Optional<Bounce> readBounce() {
        ReportParts report = ReportParts.of(message());
        if (report.deliveryStatus() != null) {
            DsnReader.Reading dsn = DsnReader.read(report.deliveryStatus(), report.returnedHeaders());
            if (dsn.understood()) {
                return dsn.bounce();
            }
        }
        String fromHeader = fromHeader().isEmpty() ? null : fromHeader().get(0).getAddress();
        return BounceHeuristics.read(new BounceHeuristics.Evidence(from(), fromHeader == null ? "" : fromHeader,
                subject(), topHeaders(), text(), report.returnedHeaders()));
    }

    private java.util.Map<String, List<String>> topHeaders() {
        java.util.Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        try {
            for (var e = message().getAllHeaders(); e.hasMoreElements(); ) {
                jakarta.mail.Header h = e.nextElement();
                if (h.getValue() != null) {
                    out.computeIfAbsent(h.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(HeaderText.decode(h.getValue()));
                }
            }
        } catch (MessagingException e) {
            // unreadable headers are no evidence
        }
        return out;
    }

    /** A one-line summary for logs: sender, recipient, message id and size. */
    @Override
    public String toString() {
        return "MailRequest[from=<" + from() + "> to=<" + recipient + "> id=" + messageId() + " size=" + raw.length + "]";
    }

    /** The message as received, read as UTF-8 text (for logs and tests). */
    public String rawText() {
        return new String(raw, StandardCharsets.UTF_8);
    }
}
