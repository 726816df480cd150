package org.tubemail.internal.mail;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.internet.MimeUtility;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of a message that a bounce is read from: its delivery status ({@code
 * message/delivery-status} or {@code message/global-delivery-status}) and the returned message's
 * headers ({@code text/rfc822-headers} or the header block of a {@code message/rfc822} part).
 * The walk does not enter returned messages and stops at {@link MimeParts}' limits.
 */
public final class ReportParts {

    /** A delivery status larger than this is not read. */
    static final int MAX_STATUS_BYTES = 256 * 1024;

    private byte[] deliveryStatus;
    private byte[] returnedHeaders;

    private ReportParts() {
    }

    public static ReportParts of(Part message) {
        ReportParts r = new ReportParts();
        r.walk(message);
        return r;
    }

    private record Node(Part part, int depth) {
    }

    private void walk(Part message) {
        Deque<Node> todo = new ArrayDeque<>();
        todo.push(new Node(message, 0));
        int seen = 0;
        while (!todo.isEmpty() && ++seen <= MimeParts.MAX_PARTS) {
            Node n = todo.pop();
            try {
                Part part = n.part();
                if (part.isMimeType("multipart/*") && n.depth() < MimeParts.MAX_DEPTH && part instanceof MimePart mp) {
                    // parsed as a plain multipart: a multipart/report that breaks the RFC's part count is still read
                    MimeMultipart multi = new MimeMultipart(new MimePartDataSource(mp));
                    for (int i = multi.getCount() - 1; i >= 0; i--) {
                        BodyPart child = multi.getBodyPart(i);
                        todo.push(new Node(child, n.depth() + 1));
                    }
                } else if (deliveryStatus == null && (part.isMimeType("message/delivery-status")
                        || part.isMimeType("message/global-delivery-status"))) {
                    deliveryStatus = decoded(part, MAX_STATUS_BYTES);
                } else if (returnedHeaders == null && (part.isMimeType("text/rfc822-headers")
                        || part.isMimeType("message/rfc822") || part.isMimeType("message/global"))) {
                    returnedHeaders = decoded(part, MAX_STATUS_BYTES);
                }
            } catch (MessagingException | IOException | RuntimeException e) {
                // an unreadable part adds no evidence; the bounce is read from what remains
            }
        }
    }

    /** The part's body, transfer-decoded, at most {@code limit} bytes. */
    private static byte[] decoded(Part part, int limit) throws MessagingException, IOException {
        MimePart mp = (MimePart) part;
        String encoding = mp.getEncoding();
        InputStream raw = mp instanceof jakarta.mail.internet.MimeBodyPart b ? b.getRawInputStream()
                : ((jakarta.mail.internet.MimeMessage) mp).getRawInputStream();
        try (InputStream in = encoding == null ? raw : MimeUtility.decode(raw, encoding)) {
            return in.readNBytes(limit);
        }
    }

    /** The {@code message/delivery-status} body, or {@code null} when there is none. */
    public byte[] deliveryStatus() {
        return deliveryStatus;
    }

    /** The returned message's headers, names in lower case, in order; empty when not included. */
    public Map<String, List<String>> returnedHeaders() {
        return returnedHeaders == null ? Map.of() : headers(returnedHeaders);
    }

    /** Reads a header block (up to the first blank line) leniently. */
    static Map<String, List<String>> headers(byte[] block) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try {
            InternetHeaders h = new InternetHeaders(new ByteArrayInputStream(block), true);
            for (Enumeration<jakarta.mail.Header> e = h.getAllHeaders(); e.hasMoreElements(); ) {
                jakarta.mail.Header header = e.nextElement();
                if (header.getValue() != null) {
                    out.computeIfAbsent(header.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(HeaderText.decode(header.getValue()));
                }
            }
        } catch (MessagingException e) {
            // unreadable headers count as absent
        }
        return out;
    }
}
