package org.tubemail.mail;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import org.tubemail.internal.mail.StreamProviderPin;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds an outgoing message. Every value is made safe on the way in: line breaks cannot smuggle
 * extra headers, non-ASCII subjects, names and header values are encoded per RFC 2047, and
 * addresses are checked, so a handler may copy text from a received message into a reply.
 *
 * <pre>{@code
 * relay.send(MailResponse.replyTo(request)
 *         .from("echo@example.com")
 *         .text("You said: " + request.text()));
 * }</pre>
 */
public final class MailResponse {

    private static final Pattern HEADER_NAME = Pattern.compile("[!-9;-~]+");
    /** A session for building: unlike the parsing one, it never writes raw UTF-8 into headers. */
    private static final jakarta.mail.Session OUTGOING;

    static {
        StreamProviderPin.install();
        OUTGOING = jakarta.mail.Session.getInstance(new java.util.Properties());
    }

    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n\\u0000]+");

    private final List<InternetAddress> to = new ArrayList<>();
    private final List<InternetAddress> cc = new ArrayList<>();
    private InternetAddress from;
    private String subject = "";
    private String text;
    private String html;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final List<Attachment> attachments = new ArrayList<>();
    /** The message this one answers, when known. */
    private MailRequest answering;
    private boolean automatic;

    private MailResponse() {
    }

    /** A new message to {@code address} (an address, optionally with a name: {@code "Bob <bob@example.org>"}). */
    public static MailResponse to(String address) {
        return new MailResponse().addTo(address);
    }

    /**
     * A reply to {@code request}: addressed to its {@code Reply-To}, else its {@code From} header,
     * else its envelope sender; subject prefixed with {@code Re: } once; {@code In-Reply-To} and
     * {@code References} set so that mail clients thread it.
     */
    public static MailResponse replyTo(MailRequest request) {
        MailResponse r = new MailResponse();
        List<InternetAddress> target = request.addressHeader("Reply-To");
        if (target.isEmpty()) {
            target = request.fromHeader();
        }
        if (target.isEmpty()) {
            r.addTo(request.from());
        } else {
            r.to.add(target.get(0));
        }
        return r.threaded(request);
    }

    /**
     * An automatic reply to {@code request} (RFC 3834): addressed to its envelope sender, the address
     * that SPF vouches for (§4), and otherwise like {@link #replyTo}; marked {@link #automatic()}.
     * To mail with the null sender it has no recipient, and a relay never sends it.
     */
    public static MailResponse autoReply(MailRequest request) {
        MailResponse r = new MailResponse();
        if (!request.isNullSender()) {
            r.addTo(request.from());
        }
        return r.threaded(request).automatic();
    }

    /** Subject {@code Re: } once, {@code In-Reply-To} and {@code References}; remembers {@code request}. */
    private MailResponse threaded(MailRequest request) {
        answering = request;
        String subject = request.subject();
        subject(subject.regionMatches(true, 0, "Re:", 0, 3) ? subject : "Re: " + subject);
        String id = request.messageId();
        if (!id.isEmpty()) {
            header("In-Reply-To", id);
            String refs = request.header("References").orElse("");
            header("References", refs.isEmpty() ? id : refs + " " + id);
        }
        return this;
    }

    /**
     * Says which message this response answers ({@link #replyTo} and {@link #autoReply} know it
     * already); an {@link #automatic()} response needs it.
     */
    public MailResponse answering(MailRequest request) {
        answering = Objects.requireNonNull(request, "request");
        return this;
    }

    /**
     * Marks this response as an automatic reply (RFC 3834) and adds {@code Auto-Submitted: auto-replied}.
     * A relay sends it only when the message it answers ({@link #answering}) may be answered: not to
     * the null sender, nor to automatic or bulk mail, nor to a sender whose own domain says the mail
     * is forged (SPF {@code fail}, or DMARC {@code fail} under {@code p=reject}); a server's relay
     * also sends at most {@code reply.auto.limit} per {@code reply.auto.period} to one address for
     * each module. What is not sent is logged (and, by a server, counted).
     */
    public MailResponse automatic() {
        automatic = true;
        return header("Auto-Submitted", "auto-replied");
    }

    /** Whether this is an automatic reply ({@link #automatic()}). */
    public boolean isAutomatic() {
        return automatic;
    }

    /** The message this response answers, when it said ({@link #replyTo}, {@link #autoReply}, {@link #answering}). */
    public Optional<MailRequest> answered() {
        return Optional.ofNullable(answering);
    }

    /** Adds a {@code To} recipient. */
    public MailResponse addTo(String address) {
        to.add(parseAddress("To", address));
        return this;
    }

    /** Adds a {@code Cc} recipient. */
    public MailResponse cc(String address) {
        cc.add(parseAddress("Cc", address));
        return this;
    }

    /** Sets the {@code From} address (optionally with a name). */
    public MailResponse from(String address) {
        from = parseAddress("From", address);
        return this;
    }

    /** Sets the {@code From} address with a display name, which may be any Unicode text. */
    public MailResponse from(String address, String name) {
        from = withName(parseAddress("From", address), name);
        return this;
    }

    /** Sets the subject; line breaks become spaces. */
    public MailResponse subject(String value) {
        subject = oneLine(value);
        return this;
    }

    /** Sets the plain-text body. */
    public MailResponse text(String body) {
        text = body;
        return this;
    }

    /** Sets the HTML body; with a text body too, the message is {@code multipart/alternative}. */
    public MailResponse html(String body) {
        html = body;
        return this;
    }

    /** Adds an attachment. */
    public MailResponse attach(String fileName, String contentType, byte[] content) {
        attachments.add(new Attachment(oneLine(fileName), contentType, content.clone()));
        return this;
    }

    /**
     * Sets header {@code name} (replacing an earlier value set here). Line breaks in the value
     * become spaces; non-ASCII text is encoded.
     *
     * @throws IllegalArgumentException when {@code name} is not a valid header name
     */
    public MailResponse header(String name, String value) {
        if (name == null || !HEADER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid header name '" + name + "'");
        }
        headers.put(name, oneLine(value));
        return this;
    }

    /** The recipients so far (To and Cc), as bare addresses. */
    public List<String> recipients() {
        List<String> out = new ArrayList<>();
        to.forEach(a -> out.add(a.getAddress()));
        cc.forEach(a -> out.add(a.getAddress()));
        return out;
    }

    static String oneLine(String value) {
        return value == null ? "" : LINE_BREAKS.matcher(value).replaceAll(" ").trim();
    }

    private static InternetAddress parseAddress(String field, String address) {
        if (address == null || LINE_BREAKS.matcher(address).find()) {
            throw new IllegalArgumentException(field + " address must be one line: '" + address + "'");
        }
        try {
            InternetAddress a = new InternetAddress(address, true);
            if (a.getAddress() == null || a.getAddress().indexOf('@') < 1) {
                throw new IllegalArgumentException(field + " address '" + address + "' has no domain");
            }
            return a.getPersonal() == null ? a : withName(a, a.getPersonal()); // re-set so a non-ASCII name is encoded
        } catch (AddressException e) {
            throw new IllegalArgumentException(field + " address '" + address + "' is invalid: " + e.getMessage(), e);
        }
    }

    private static InternetAddress withName(InternetAddress a, String name) {
        try {
            return new InternetAddress(a.getAddress(), oneLine(name), StandardCharsets.UTF_8.name());
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Builds the message.
     *
     * @throws IllegalStateException when it has no recipient or no sender
     */
    public MimeMessage toMimeMessage() {
        if (to.isEmpty() && cc.isEmpty()) {
            throw new IllegalStateException("a response needs a recipient");
        }
        if (from == null) {
            throw new IllegalStateException("a response needs a From address");
        }
        try {
            MimeMessage m = new MimeMessage(OUTGOING);
            m.setFrom(from);
            m.setRecipients(MimeMessage.RecipientType.TO, to.toArray(new InternetAddress[0]));
            if (!cc.isEmpty()) {
                m.setRecipients(MimeMessage.RecipientType.CC, cc.toArray(new InternetAddress[0]));
            }
            m.setSubject(subject, StandardCharsets.UTF_8.name());
            m.setSentDate(new Date());
            for (Map.Entry<String, String> h : headers.entrySet()) {
                m.setHeader(h.getKey(), MimeUtility.fold(h.getKey().length() + 2,
                        MimeUtility.encodeText(h.getValue(), StandardCharsets.UTF_8.name(), null)));
            }
            setContent(m);
            m.saveChanges();
            return m;
        } catch (MessagingException | UnsupportedEncodingException e) {
            throw new IllegalStateException("cannot build response to " + recipients() + ": " + e.getMessage(), e);
        }
    }

    private void setContent(MimeMessage m) throws MessagingException {
        String body = text == null && html == null ? "" : text;
        Multipart alternative = null;
        if (body != null && html != null) {
            alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(textPart(body, "plain"));
            alternative.addBodyPart(textPart(html, "html"));
        }
        if (attachments.isEmpty()) {
            if (alternative != null) {
                m.setContent(alternative);
            } else if (body != null) {
                m.setText(body, StandardCharsets.UTF_8.name(), "plain");
            } else {
                m.setText(html, StandardCharsets.UTF_8.name(), "html");
            }
            return;
        }
        MimeMultipart mixed = new MimeMultipart("mixed");
        if (alternative != null) {
            MimeBodyPart wrapper = new MimeBodyPart();
            wrapper.setContent(alternative);
            mixed.addBodyPart(wrapper);
        } else {
            mixed.addBodyPart(body != null ? textPart(body, "plain") : textPart(html, "html"));
        }
        for (Attachment a : attachments) {
            MimeBodyPart part = new MimeBodyPart();
            part.setDataHandler(new DataHandler(new ByteArrayDataSource(a.content(), a.contentType().toLowerCase(Locale.ROOT))));
            part.setFileName(a.fileName());
            part.setDisposition(MimeBodyPart.ATTACHMENT);
            mixed.addBodyPart(part);
        }
        m.setContent(mixed);
    }

    private static MimeBodyPart textPart(String content, String subtype) throws MessagingException {
        MimeBodyPart p = new MimeBodyPart();
        p.setText(content, StandardCharsets.UTF_8.name(), subtype);
        return p;
    }
}
