package org.tubemail.handler;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.LoggerFactory;
import org.tubemail.mail.MailResponse;

import java.util.List;
import java.util.Optional;

/**
 * Sends outgoing mail: to a smarthost, into a maildir, or (in tests) into a list. Handlers receive
 * a relay from whoever builds them and call it to reply.
 */
public interface Relay {

    /**
     * Sends {@code message} to the given envelope recipients, whatever its headers say.
     *
     * @param envelopeFrom the {@code MAIL FROM} to use; {@code ""} for the null sender
     * @throws RelayException when the message can neither be sent nor queued for a later try
     */
    void deliver(MimeMessage message, String envelopeFrom, List<String> recipients);

    /**
     * Builds {@code response} and sends it to its To and Cc recipients, from its From address. An
     * {@link MailResponse#automatic() automatic} reply that {@link AutoReplyRules#STANDARD} forbids is
     * not sent, only logged; a server's relay ({@code AutoReplyRelay}) also limits how many go to one address.
     */
    default void send(MailResponse response) {
        Optional<AutoReplyRules.Suppression> no = AutoReplyRules.STANDARD.check(response);
        if (no.isPresent()) {
            LoggerFactory.getLogger(Relay.class).info("No automatic reply to {} ({}): {}", response.recipients(),
                    no.get().reason(), no.get().detail());
            return;
        }
        MimeMessage m = response.toMimeMessage();
        deliver(m, senderOf(m), response.recipients());
    }

    /** The envelope sender {@link #send} uses: the first {@code From} address, or {@code ""} (the null sender) when there is none. */
    static String senderOf(MimeMessage m) {
        try {
            Address[] from = m.getFrom();
            return from != null && from.length > 0 && from[0] instanceof InternetAddress ia ? ia.getAddress() : "";
        } catch (MessagingException e) {
            return "";
        }
    }
}
