package org.tubemail.internal.mail;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import org.tubemail.mail.Attachment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * The decoded bodies and attachments of a message, found by walking its MIME tree once, with limits
 * on depth and part count so that a hostile message cannot exhaust the stack or the heap.
 */
public final class MimeParts {

    /** Deeper nesting than this is not walked. */
    static final int MAX_DEPTH = 32;
    /** More parts than this are not walked. */
    static final int MAX_PARTS = 1_000;

    private String text = "";
    private String html = "";
    private final List<Attachment> attachments = new ArrayList<>();
    private final List<String> defects = new ArrayList<>();

    private MimeParts() {
    }

    public static MimeParts of(MimeMessage message) {
        MimeParts p = new MimeParts();
        p.walk(message);
        return p;
    }

    private record Node(Part part, int depth) {
    }

    private void walk(MimeMessage message) {
        Deque<Node> todo = new ArrayDeque<>();
        todo.push(new Node(message, 0));
        int seen = 0;
        boolean textFound = false;
        boolean htmlFound = false;
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (++seen > MAX_PARTS) {
                defects.add("more than " + MAX_PARTS + " MIME parts; the rest were not read");
                return;
            }
            try {
                Part part = n.part();
                if (part.isMimeType("multipart/*")) {
                    if (n.depth() >= MAX_DEPTH) {
                        defects.add("multipart nested deeper than " + MAX_DEPTH + "; inner parts were not read");
                        continue;
                    }
                    // read as a plain multipart, whatever content handler a jar registers for its type
                    // (Angus Mail's dsn module would refuse a multipart/report with an unusual part count)
                    Object content = part instanceof jakarta.mail.internet.MimePart mime
                            ? new jakarta.mail.internet.MimeMultipart(new jakarta.mail.internet.MimePartDataSource(mime))
                            : part.getContent();
                    if (content instanceof Multipart mp) {
                        int count = Math.min(mp.getCount(), MAX_PARTS);
                        for (int i = count - 1; i >= 0; i--) {
                            BodyPart child = mp.getBodyPart(i);
                            todo.push(new Node(child, n.depth() + 1));
                        }
                    }
                    continue;
                }
                if (isAttachment(part)) {
                    attachments.add(new Attachment(fileName(part), baseType(part), readBytes(part)));
                } else if (!textFound && part.isMimeType("text/plain")) {
                    text = decodeText(part);
                    textFound = true;
                } else if (!htmlFound && part.isMimeType("text/html")) {
                    html = decodeText(part);
                    htmlFound = true;
                }
            } catch (MessagingException | IOException | RuntimeException e) {
                defects.add("unreadable part: " + e.getMessage());
            }
        }
    }

    private static boolean isAttachment(Part part) throws MessagingException {
        String disposition = part.getDisposition();
        if (Part.ATTACHMENT.equalsIgnoreCase(disposition)) {
            return true;
        }
        return !fileName(part).isEmpty() || !(part.isMimeType("text/*") || part.isMimeType("message/*"));
    }

    private static String fileName(Part part) throws MessagingException {
        String name;
        try {
            name = part.getFileName();
        } catch (MessagingException e) {
            return "";
        }
        if (name == null) {
            return "";
        }
        return HeaderText.decode(name);
    }

    private static String baseType(Part part) throws MessagingException {
        try {
            return new ContentType(part.getContentType()).getBaseType().toLowerCase(Locale.ROOT);
        } catch (MessagingException | RuntimeException e) {
            return "application/octet-stream";
        }
    }

    private static byte[] readBytes(Part part) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    /** The part's text in its declared charset, or the one detected when that is missing, unknown or wrong (noted as a defect). */
    private String decodeText(Part part) throws MessagingException, IOException {
        TextCharsets.Decoded d = TextCharsets.decode(readBytes(part), declaredCharset(part));
        d.note().ifPresent(defects::add);
        return d.text();
    }

    private static String declaredCharset(Part part) {
        try {
            return new ContentType(part.getContentType()).getParameter("charset");
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    public String text() {
        return text;
    }

    public String html() {
        return html;
    }

    public List<Attachment> attachments() {
        return List.copyOf(attachments);
    }

    public List<String> defects() {
        return List.copyOf(defects);
    }
}
