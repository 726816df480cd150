package org.tubemail.internal.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import org.tubemail.mail.Envelope;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rebuilds an envelope from the headers an MTA writes when it delivers into a maildir:
 * {@code Return-Path} for the sender, {@code X-Original-To} or {@code Delivered-To} for the
 * recipient, else the {@code From}, {@code To} and {@code Cc} headers.
 */
public final class HeaderEnvelope {

    private HeaderEnvelope() {
    }

    /** The envelope the headers of {@code message} imply; empty when they name no recipient. */
    public static Optional<Envelope> of(byte[] message) {
        InternetHeaders h;
        try {
            h = new InternetHeaders(new ByteArrayInputStream(message));
        } catch (MessagingException e) {
            return Optional.empty();
        }
        List<String> rcpts = addresses(h, "X-Original-To");
        if (rcpts.isEmpty()) {
            rcpts = addresses(h, "Delivered-To");
        }
        if (rcpts.isEmpty()) {
            rcpts = addresses(h, "To");
            rcpts.addAll(addresses(h, "Cc"));
        }
        if (rcpts.isEmpty()) {
            return Optional.empty();
        }
        String returnPath = h.getHeader("Return-Path", null);
        String sender = returnPath != null ? Addresses.strip(returnPath) : addresses(h, "From").stream().findFirst().orElse("");
        return Optional.of(new Envelope("", sender, rcpts));
    }

    private static List<String> addresses(InternetHeaders h, String name) {
        List<String> out = new ArrayList<>();
        String[] values = h.getHeader(name);
        if (values == null) {
            return out;
        }
        for (String v : values) {
            try {
                for (InternetAddress a : InternetAddress.parseHeader(v, false)) {
                    if (a.getAddress() != null && !a.getAddress().isBlank()) {
                        out.add(a.getAddress());
                    }
                }
            } catch (MessagingException e) {
                // an unreadable header names no one
            }
        }
        return out;
    }
}
