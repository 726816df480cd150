package org.tubemail.internal.server.smtp;

/**
 * The protocol an {@link SmtpDialog} speaks: SMTP (RFC 5321) or LMTP (RFC 2033). Both share every
 * rule of the dialog; LMTP differs only where RFC 2033 says so: {@code LHLO} instead of
 * {@code HELO}/{@code EHLO}, {@code 503} to a {@code DATA} without an accepted recipient, and one
 * reply per accepted recipient after the message (given by the LMTP transport, not the dialog).
 */
enum Protocol {

    /** SMTP: {@code HELO} or {@code EHLO}. */
    SMTP("ESMTP", "EHLO HELO"),

    /** LMTP: {@code LHLO} only. */
    LMTP("LMTP", "LHLO");

    private final String greetingWord;
    private final String hellos;

    Protocol(String greetingWord, String hellos) {
        this.greetingWord = greetingWord;
        this.hellos = hellos;
    }

    /** The word of the {@code 220} greeting: {@code ESMTP} or {@code LMTP}. */
    String greetingWord() {
        return greetingWord;
    }

    /** The greeting commands, for {@code HELP} and the reply to a command before them. */
    String hellos() {
        return hellos;
    }
}
