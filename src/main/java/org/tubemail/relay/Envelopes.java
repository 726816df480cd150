package org.tubemail.relay;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/** Derives envelope addresses from a message's headers. */
final class Envelopes {

    private Envelopes() {
    }

    /** The first {@code From} address, or {@code ""} (the null sender) when there is none. */
    static String senderOf(MimeMessage m) {
        try {
            Address[] from = m.getFrom();
            return from != null && from.length > 0 && from[0] instanceof InternetAddress ia ? ia.getAddress() : "";
        } catch (MessagingException e) {
            return "";
        }
    }
}
