package org.tubemail.internal.http;

import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeUtility;
import org.tubemail.internal.mail.HeaderEnvelope;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A queued message as the API shows it: envelope, reason, headers, bodies and attachments, as
 * plain JSON values. Nothing here is made safe for HTML: clients must show these values as text
 * (the console does), and render the HTML body only in a sandbox.
 */
final class MessageView {

    private MessageView() {
    }

    /** The envelope stored with a queued message, else the one its trace headers give. */
    static Optional<Envelope> envelope(EnvelopeHeaders.Unwrapped u) {
        return u.envelope().or(() -> HeaderEnvelope.of(u.message()));
    }

    /** A parsed message, for the recipient its envelope names first. */
    static MailRequest parse(EnvelopeHeaders.Unwrapped u) {
        Envelope env = envelope(u).filter(e -> !e.recipients().isEmpty()).orElse(Envelope.of("", "unknown@localhost"));
        return MailRequest.parse(env, u.message());
    }

    /** One line of a queue listing. */
    static Map<String, Object> summary(String key, byte[] queued) {
        EnvelopeHeaders.Unwrapped u = EnvelopeHeaders.unwrap(queued);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        envelope(u).ifPresent(e -> m.put("envelope", envelope(e)));
        m.put("reason", u.reason());
        m.put("size", u.message().length);
        try {
            MailRequest r = parse(u);
            m.put("subject", r.subject());
            m.put("from", decoded(r.header("From").orElse("")));
            m.put("to", decoded(r.header("To").orElse("")));
            m.put("date", r.header("Date").orElse(""));
        } catch (RuntimeException e) {
            m.put("subject", "(unreadable: " + e.getMessage() + ")");
        }
        return m;
    }

    /** The whole message. */
    static Map<String, Object> full(String queue, String key, byte[] queued) {
        EnvelopeHeaders.Unwrapped u = EnvelopeHeaders.unwrap(queued);
        Map<String, Object> m = summary(key, queued);
        m.put("queue", queue);
        MailRequest r;
        try {
            r = parse(u);
        } catch (RuntimeException e) {
            m.put("headers", List.of());
            m.put("text", "");
            m.put("hasHtml", false);
            m.put("attachments", List.of());
            return m;
        }
        List<Map<String, String>> headers = new ArrayList<>();
        try {
            for (Header h : Collections.list(r.message().getAllHeaders())) {
                headers.add(Map.of("name", h.getName(), "value", decoded(h.getValue() == null ? "" : h.getValue())));
            }
        } catch (MessagingException e) {
            headers.add(Map.of("name", "(unreadable headers)", "value", e.getMessage()));
        }
        m.put("headers", headers);
        m.put("messageId", r.messageId());
        m.put("text", safely(r::text));
        m.put("hasHtml", !safely(r::html).isEmpty());
        List<Map<String, Object>> attachments = new ArrayList<>();
        try {
            r.attachments().forEach(a -> attachments.add(Map.of("name", a.fileName() == null ? "" : a.fileName(),
                    "type", a.contentType() == null ? "" : a.contentType(), "size", a.size())));
        } catch (RuntimeException e) {
            attachments.add(Map.of("name", "(unreadable)", "type", "", "size", 0));
        }
        m.put("attachments", attachments);
        m.put("defects", r.defects());
        return m;
    }

    /** The HTML body, or "". */
    static String html(byte[] queued) {
        return safely(() -> parse(EnvelopeHeaders.unwrap(queued)).html());
    }

    private static Map<String, Object> envelope(Envelope e) {
        return Map.of("from", e.mailFrom(), "recipients", e.recipients(), "peer", e.peer());
    }

    private static String decoded(String value) {
        try {
            return MimeUtility.decodeText(MimeUtility.unfold(value));
        } catch (java.io.UnsupportedEncodingException | RuntimeException e) {
            return value;
        }
    }

    private static String safely(java.util.function.Supplier<String> part) {
        try {
            String s = part.get();
            return s == null ? "" : s;
        } catch (RuntimeException e) {
            return "";
        }
    }
}
