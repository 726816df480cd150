package org.tubemail.internal.dkim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Signs messages with one key (RFC 6376, relaxed/relaxed): the signature covers the header fields
 * {@link #SIGNED_HEADERS} that the message has, each as often as it occurs. The fields a reader
 * sees ({@link #OVERSIGNED}, and in a list post, one with a {@code List-Id}, every {@code List-*}
 * field) are listed once more than they occur (RFC 6376 §8.15), so a copy added later, above or
 * below, breaks the signature, and one that was absent cannot be added either.
 * Thread-safe.
 */
public final class DkimSigner {

    /** The header fields signed when present. */
    public static final List<String> SIGNED_HEADERS = List.of("from", "to", "cc", "subject", "date", "message-id",
            "in-reply-to", "references", "reply-to", "sender", "mime-version", "content-type",
            "content-transfer-encoding", "content-disposition", "content-id", "content-description",
            "list-id", "list-help", "list-subscribe", "list-unsubscribe", "list-unsubscribe-post", "list-post",
            "list-owner", "list-archive");

    /** The header fields signed once more than they occur: what a reader sees of who wrote what, when, to whom. */
    public static final List<String> OVERSIGNED = List.of("from", "to", "cc", "subject", "date", "message-id", "reply-to");

    private final DkimKey key;

    public DkimSigner(DkimKey key) {
        this.key = key;
    }

    /** The key this signer uses. */
    public DkimKey key() {
        return key;
    }

    /** {@code message} with a {@code DKIM-Signature:} field in front. */
    public byte[] sign(byte[] message) {
        byte[] field = signatureField(message).getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[field.length + 2 + message.length];
        System.arraycopy(field, 0, out, 0, field.length);
        out[field.length] = '\r';
        out[field.length + 1] = '\n';
        System.arraycopy(message, 0, out, field.length + 2, message.length);
        return out;
    }

    /** The {@code DKIM-Signature} field for {@code message}, folded, without its final CRLF. */
    public String signatureField(byte[] message) {
        RawMessage raw = RawMessage.parse(message);
        List<String> names = new ArrayList<>();
        boolean listPost = raw.headers().stream().anyMatch(f -> f.key().equals("list-id"));
        for (String name : SIGNED_HEADERS) {
            long n = raw.headers().stream().filter(f -> f.key().equals(name)).count();
            boolean over = OVERSIGNED.contains(name) || listPost && name.startsWith("list-");
            for (long i = 0; i < n + (over ? 1 : 0); i++) names.add(name);
        }
        String bh = Base64.getEncoder().encodeToString(SignedData.bodyHash(raw.canonicalBody(true), -1));
        String unsigned = "DKIM-Signature: v=1; a=" + key.algorithm().tag() + "; c=relaxed/relaxed; d=" + key.domain()
                + "; s=" + key.selector() + ";\r\n\tt=" + Instant.now().getEpochSecond() + "; h=" + fold(names)
                + ";\r\n\tbh=" + bh + ";\r\n\tb=";
        HeaderField field = new HeaderField("DKIM-Signature", unsigned);
        byte[] data = SignedData.of(raw.headers(), names, field, true);
        try {
            String b = Base64.getEncoder().encodeToString(key.algorithm().sign(key.key(), data));
            return unsigned + foldBase64(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + key + ": " + e.getMessage(), e);
        }
    }

    /** The names joined by colons, a line break every few names. */
    private static String fold(List<String> names) {
        StringBuilder out = new StringBuilder();
        int line = 0;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).toLowerCase(Locale.ROOT);
            if (i > 0) {
                out.append(':');
                if (line + name.length() > 60) {
                    out.append("\r\n\t ");
                    line = 0;
                }
            }
            out.append(name);
            line += name.length() + 1;
        }
        return out.toString();
    }

    private static String foldBase64(String b) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < b.length(); i += 72) {
            if (i > 0) out.append("\r\n\t ");
            out.append(b, i, Math.min(b.length(), i + 72));
        }
        return out.toString();
    }
}
