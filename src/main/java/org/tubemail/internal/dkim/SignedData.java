package org.tubemail.internal.dkim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The bytes a DKIM signature covers (RFC 6376 3.7), shared by the signer and the verifier. */
final class SignedData {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    });

    private SignedData() {}

    /**
     * The canonical header fields {@code signedHeaders} names, each taken from the bottom up (a
     * name given more often than the field occurs adds nothing, which is how oversigning works),
     * followed by the signature's own field with an empty {@code b=} and no final CRLF.
     */
    static byte[] of(List<HeaderField> headers, List<String> signedHeaders, HeaderField signature, boolean relaxed) {
        Map<String, Integer> used = new HashMap<>();
        StringBuilder data = new StringBuilder();
        for (String name : signedHeaders) {
            String key = name.strip().toLowerCase(Locale.ROOT);
            int skip = used.merge(key, 1, Integer::sum) - 1;
            HeaderField field = fromBottom(headers, key, skip);
            if (field != null) data.append(relaxed ? field.relaxed() : field.simple());
        }
        HeaderField unsigned = new HeaderField(signature.name(), withoutSignature(signature.text()));
        String own = relaxed ? unsigned.relaxed() : unsigned.simple();
        data.append(own, 0, own.length() - 2);
        return data.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static HeaderField fromBottom(List<HeaderField> headers, String key, int skip) {
        for (int i = headers.size() - 1; i >= 0; i--) {
            if (headers.get(i).key().equals(key) && skip-- == 0) return headers.get(i);
        }
        return null;
    }

    /** The field with the value of its {@code b=} tag removed (not {@code bh=}), everything else as it was. */
    static String withoutSignature(String field) {
        int at = field.indexOf(':') + 1;
        StringBuilder out = new StringBuilder(field.length());
        out.append(field, 0, at);
        while (at < field.length()) {
            int semi = field.indexOf(';', at);
            int end = semi < 0 ? field.length() : semi;
            String spec = field.substring(at, end);
            int eq = spec.indexOf('=');
            if (eq >= 0 && spec.substring(0, eq).strip().equals("b")) {
                out.append(spec, 0, eq + 1);
            } else {
                out.append(spec);
            }
            if (semi >= 0) out.append(';');
            at = end + 1;
        }
        return out.toString();
    }

    /** SHA-256 of the first {@code length} bytes of {@code canonicalBody}, or of all of it when {@code length} is negative. */
    static byte[] bodyHash(byte[] canonicalBody, long length) {
        return sha256(canonicalBody, length < 0 ? canonicalBody.length : (int) Math.min(length, canonicalBody.length));
    }

    /** SHA-256 of the first {@code n} bytes of {@code data}, with this thread's digest. */
    static byte[] sha256(byte[] data, int n) {
        MessageDigest sha = SHA256.get();
        sha.update(data, 0, n);
        return sha.digest();
    }

    static List<String> names(String h) {
        List<String> out = new ArrayList<>();
        for (String n : TagList.compact(h).split(":")) {
            if (!n.isEmpty()) out.add(n);
        }
        return out;
    }
}
