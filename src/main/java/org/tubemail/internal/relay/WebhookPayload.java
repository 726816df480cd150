package org.tubemail.internal.relay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeUtility;
import org.tubemail.internal.mail.ReplyText;
import org.tubemail.mail.Attachment;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.MailRequest;

import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Enumeration;
import java.util.HexFormat;

/**
 * The JSON a {@link WebhookForwarder} posts for one message and recipient: envelope, headers,
 * bodies, the reply text without quoted history ({@link ReplyText}), attachments and, on request,
 * the raw MIME message. {@code README.md} ("Webhook forwarding") documents every field.
 */
final class WebhookPayload {

    static final ObjectMapper JSON = new ObjectMapper();

    private WebhookPayload() {
    }

    /** The payload of {@code request} (for its current recipient) for {@code endpoint}. */
    static byte[] of(MailRequest request, WebhookEndpoint endpoint) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id(request, endpoint.name()));
        root.put("webhook", endpoint.name());
        ObjectNode envelope = root.putObject("envelope");
        envelope.put("from", request.from());
        envelope.put("recipient", request.to());
        ArrayNode all = envelope.putArray("recipients");
        request.recipients().forEach(all::add);
        envelope.put("peer", request.peer());
        root.put("message_id", request.messageId());
        root.put("subject", request.subject());
        root.put("from", request.header("From").map(WebhookPayload::decoded).orElse(null));
        root.put("to", request.header("To").map(WebhookPayload::decoded).orElse(null));
        root.put("cc", request.header("Cc").map(WebhookPayload::decoded).orElse(null));
        root.put("date", request.header("Date").orElse(null));
        ArrayNode headers = root.putArray("headers");
        try {
            for (Enumeration<Header> e = request.message().getAllHeaders(); e.hasMoreElements(); ) {
                Header h = e.nextElement();
                headers.addArray().add(h.getName()).add(decoded(h.getValue()));
            }
        } catch (MessagingException e) {
            root.put("headers_error", e.getMessage());
        }
        String text = request.text();
        ReplyText reply = ReplyText.of(text);
        root.put("text", text);
        root.put("html", request.html().isEmpty() ? null : request.html());
        root.put("stripped_text", reply.text());
        root.put("stripped_signature", reply.signature());
        ArrayNode attachments = root.putArray("attachments");
        for (Attachment a : request.attachments()) {
            ObjectNode node = attachments.addObject();
            node.put("filename", a.fileName());
            node.put("content_type", a.contentType());
            node.put("size", a.size());
            node.put("sha256", HexFormat.of().formatHex(sha256(a.content())));
            if (a.size() <= endpoint.maxAttachmentBytes()) {
                node.put("content", Base64.getEncoder().encodeToString(a.content()));
            } else {
                node.putNull("content");
                node.put("omitted", "larger than " + endpoint.maxAttachmentBytes() + " bytes"
                        + (endpoint.includeRaw() ? "; it is in raw_mime" : ""));
            }
        }
        authentication(root.putObject("authentication"), request.authentication());
        if (endpoint.includeRaw()) {
            root.put("raw_mime", Base64.getEncoder().encodeToString(request.raw()));
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write webhook JSON: " + e.getMessage(), e);
        }
    }

    /** The receiver's SPF, DKIM and DMARC verdicts; each {@code "none"} when the check did not run. */
    private static void authentication(ObjectNode node, Authentication auth) {
        ObjectNode spf = node.putObject("spf");
        spf.put("result", auth.spf().verdict().token());
        spf.put("domain", auth.spf().domain());
        spf.put("helo", auth.spf().helo());
        ArrayNode dkim = node.putArray("dkim");
        for (Authentication.Dkim d : auth.dkim()) {
            dkim.addObject().put("result", d.verdict().token()).put("domain", d.domain()).put("selector", d.selector());
        }
        ObjectNode dmarc = node.putObject("dmarc");
        dmarc.put("result", auth.dmarc().verdict().token());
        dmarc.put("from_domain", auth.dmarc().fromDomain());
        dmarc.put("policy", auth.dmarc().policy());
    }

    /** The {@code id} field of a payload. */
    static String idOf(byte[] payload) {
        try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(payload)) {
            return p.nextToken() == com.fasterxml.jackson.core.JsonToken.START_OBJECT && "id".equals(p.nextFieldName())
                    ? p.nextTextValue() : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The same for every attempt and every routing of the same message to the same recipient and webhook. */
    private static String id(MailRequest request, String webhook) {
        MessageDigest d = digest();
        d.update(request.raw());
        d.update(("\n" + request.to() + "\n" + webhook).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d.digest(), 0, 16);
    }

    private static byte[] sha256(byte[] content) {
        return digest().digest(content);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String decoded(String value) {
        try {
            return MimeUtility.decodeText(MimeUtility.unfold(value));
        } catch (UnsupportedEncodingException e) {
            return MimeUtility.unfold(value);
        }
    }
}
