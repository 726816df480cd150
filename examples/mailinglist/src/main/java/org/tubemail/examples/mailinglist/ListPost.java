package org.tubemail.examples.mailinglist;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import org.tubemail.mail.MailRequest;

import java.io.UnsupportedEncodingException;
import java.util.List;

/** How a post goes out to the members of a list. */
final class ListPost {

    private ListPost() {
    }

    /**
     * The post as members get it: the original bytes with the list headers; with {@code rewriteFrom},
     * {@code From: "Alice via LIST" <LIST@DOMAIN>}, Alice in {@code Reply-To}, and her DKIM
     * signatures removed (they no longer verify once {@code From} changed).
     */
    static MimeMessage of(MailRequest msg, String list, String listdomain, boolean rewriteFrom) {
        String listAddress = list + "@" + listdomain;
        try {
            MimeMessage m = new MimeMessage(MailRequest.session(), new SharedByteArrayInputStream(msg.raw()));
            m.removeHeader("Return-Path");
            m.removeHeader("Delivered-To");
            m.removeHeader("Authentication-Results");
            m.setHeader("List-Id", "<" + list + "." + listdomain + ">");
            m.setHeader("List-Post", "<mailto:" + listAddress + ">");
            m.setHeader("List-Unsubscribe", "<mailto:" + list + "-unsubscribe@" + listdomain + ">");
            m.setHeader("Precedence", "list");
            List<InternetAddress> authors = msg.fromHeader();
            if (rewriteFrom && !authors.isEmpty()) {
                InternetAddress author = authors.get(0);
                String name = author.getPersonal() != null && !author.getPersonal().isBlank()
                        ? author.getPersonal() : author.getAddress();
                m.removeHeader("DKIM-Signature");
                m.setFrom(new InternetAddress(listAddress, clean(name) + " via " + list, "UTF-8"));
                m.setReplyTo(new InternetAddress[]{author});
            } else {
                m.setHeader("Reply-To", listAddress);
            }
            return m;
        } catch (jakarta.mail.MessagingException | UnsupportedEncodingException e) {
            throw new IllegalStateException("cannot copy post " + msg.messageId() + " for " + listAddress + ": " + e.getMessage(), e);
        }
    }

    /** A display name without control characters (no header injection through a name). */
    private static String clean(String name) {
        return name.replaceAll("[\\p{Cntrl}]", " ").strip();
    }
}
