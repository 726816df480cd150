package org.tubemail.internal.relay;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.handler.Relay;
import org.tubemail.handler.RelayException;
import org.tubemail.internal.dkim.DkimKeyring;
import org.tubemail.internal.dkim.DkimSigner;
import org.tubemail.internal.mail.Addresses;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.mail.MailRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signs everything another relay sends (DKIM, RFC 6376) with the key of the message's {@code From:}
 * domain ({@link DkimKeyring}), then hands the signed bytes to it unchanged: the maildir relay
 * writes them as they are, the SMTP relay sends them as they are. When the {@code From:} domain
 * has no key but the envelope sender's has, that key signs: a mailing list that passes a poster's
 * {@code From:} through signs with its own domain (not aligned for DMARC, but the list's
 * reputation and the message's integrity), as OpenDKIM behind Mailman does. Mail with neither goes
 * out unsigned, with a warning logged once per domain.
 */
public final class DkimSigningRelay implements Relay, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DkimSigningRelay.class);

    private final Relay next;
    private final DkimKeyring keys;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final Monitor monitor;

    public DkimSigningRelay(Relay next, DkimKeyring keys) {
        this(next, keys, Monitor.NONE);
    }

    /** Like {@link #DkimSigningRelay(Relay, DkimKeyring)}, reporting each signature made to {@code monitor}. */
    public DkimSigningRelay(Relay next, DkimKeyring keys, Monitor monitor) {
        this.next = next;
        this.keys = keys;
        this.monitor = monitor;
    }

    /** The relay the signed messages go to. */
    public Relay next() {
        return next;
    }

    @Override
    public void deliver(MimeMessage message, String envelopeFrom, List<String> recipients) {
        String from = fromDomain(message);
        Optional<DkimSigner> byFrom = keys.signerFor(from);
        String domain = byFrom.isPresent() ? from : Addresses.domain(Addresses.strip(envelopeFrom));
        DkimSigner signer = byFrom.or(() -> keys.signerFor(domain)).orElse(null);
        if (signer == null) {
            if (warned.add(from)) {
                LOG.warn("no DKIM key for From: domain '{}' nor for the envelope sender's (relay.dkim.DOMAIN.key): its mail goes out unsigned",
                        from);
            }
            next.deliver(message, envelopeFrom, recipients);
            return;
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            byte[] signed = signer.sign(out.toByteArray());
            monitor.dkimSigned(domain);
            next.deliver(new MimeMessage(MailRequest.session(), new SharedByteArrayInputStream(signed)), envelopeFrom, recipients);
        } catch (IOException | MessagingException e) {
            throw new RelayException("cannot sign the message for " + recipients + ": " + e.getMessage(), e);
        }
    }

    private static String fromDomain(MimeMessage message) {
        try {
            Address[] from = message.getFrom();
            if (from != null && from.length > 0 && from[0] instanceof InternetAddress a) return Addresses.domain(a.getAddress());
        } catch (MessagingException e) {
            // an unreadable From: no key applies
        }
        return "";
    }

    @Override
    public void close() throws Exception {
        if (next instanceof AutoCloseable c) c.close();
    }

    @Override
    public String toString() {
        return "DkimSigningRelay[" + keys + " -> " + next + "]";
    }
}
