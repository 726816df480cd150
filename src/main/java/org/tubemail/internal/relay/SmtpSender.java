package org.tubemail.internal.relay;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * One SMTP transaction per call, through Jakarta Mail, with connections kept open between calls
 * (up to {@link #MAX_IDLE}, each for at most {@link #IDLE_LIMIT}) and every recipient's outcome
 * sorted into sent, to retry (4xx, no connection) and refused (5xx).
 */
final class SmtpSender implements Sender {

    static final int MAX_IDLE = 4;
    static final Duration IDLE_LIMIT = Duration.ofSeconds(30);

    private record Idle(Transport transport, long since) {
    }

    private final RelaySettings settings;
    private final Session session;
    private final ConcurrentLinkedDeque<Idle> idle = new ConcurrentLinkedDeque<>();

    SmtpSender(RelaySettings settings) {
        this(settings, new Properties());
    }

    /** With extra Jakarta Mail properties that override those made from {@code settings}. */
    SmtpSender(RelaySettings settings, Properties extra) {
        this.settings = settings;
        Properties p = properties(settings);
        p.putAll(extra);
        this.session = Session.getInstance(p);
    }

    private static Properties properties(RelaySettings s) {
        Properties p = new Properties();
        String millis = Long.toString(s.timeout().toMillis());
        p.setProperty("mail.smtp.host", s.host());
        p.setProperty("mail.smtp.port", Integer.toString(s.port()));
        p.setProperty("mail.smtp.connectiontimeout", millis);
        p.setProperty("mail.smtp.timeout", millis);
        p.setProperty("mail.smtp.writetimeout", millis);
        p.setProperty("mail.smtp.sendpartial", "true");
        p.setProperty("mail.smtp.auth", Boolean.toString(!s.username().isEmpty()));
        p.setProperty("mail.smtp.starttls.enable", Boolean.toString(s.security() == RelaySettings.Security.STARTTLS));
        p.setProperty("mail.smtp.starttls.required", Boolean.toString(s.security() == RelaySettings.Security.STARTTLS));
        p.setProperty("mail.smtp.ssl.enable", Boolean.toString(s.security() == RelaySettings.Security.TLS));
        p.setProperty("mail.smtp.ssl.checkserveridentity", Boolean.toString(s.sslTrust().isEmpty()));
        if (!s.sslTrust().isEmpty()) {
            p.setProperty("mail.smtp.ssl.trust", s.sslTrust());
        }
        return p;
    }

    @Override
    public Outcome send(byte[] message, String from, List<String> recipients) {
        Map<String, InternetAddress> parsed = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        String badAddress = "";
        for (String r : recipients) {
            try {
                parsed.put(r, new InternetAddress(r, true));
            } catch (AddressException e) {
                refused.add(r);
                badAddress = "bad address <" + r + ">: " + e.getMessage();
            }
        }
        if (parsed.isEmpty()) {
            return new Outcome(List.of(), List.of(), refused, badAddress, false);
        }
        Transport transport = null;
        try {
            SMTPMessage m = new SMTPMessage(session, new ByteArrayInputStream(message));
            m.setEnvelopeFrom(from.isEmpty() ? "<>" : from);
            transport = connection();
            transport.sendMessage(m, parsed.values().toArray(new InternetAddress[0]));
            release(transport);
            return new Outcome(List.copyOf(parsed.keySet()), List.of(), refused, badAddress, true);
        } catch (SendFailedException e) {
            release(transport);
            return sorted(e, parsed, refused);
        } catch (MessagingException | RuntimeException e) {
            discard(transport);
            return new Outcome(List.of(), List.copyOf(parsed.keySet()), refused, describe(e), false);
        }
    }

    /** Sorts recipients by their own replies, the rest by the transaction's reply. */
    private static Outcome sorted(SendFailedException e, Map<String, InternetAddress> parsed, List<String> refused) {
        List<String> sent = new ArrayList<>();
        List<String> retry = new ArrayList<>();
        List<String> gone = new ArrayList<>(refused);
        Map<String, Integer> codes = new LinkedHashMap<>();
        for (Exception x = e; x instanceof MessagingException me; x = me.getNextException()) {
            if (x instanceof SMTPAddressFailedException af) {
                codes.put(af.getAddress().getAddress().toLowerCase(), af.getReturnCode());
            }
        }
        List<String> sentAddresses = new ArrayList<>();
        if (e.getValidSentAddresses() != null) {
            for (var a : e.getValidSentAddresses()) {
                sentAddresses.add(((InternetAddress) a).getAddress().toLowerCase());
            }
        }
        int transactionCode = e instanceof SMTPSendFailedException s ? s.getReturnCode() : -1;
        for (var entry : parsed.entrySet()) {
            String address = entry.getValue().getAddress().toLowerCase();
            int code = codes.getOrDefault(address, transactionCode);
            if (sentAddresses.contains(address)) {
                sent.add(entry.getKey());
            } else if (code >= 500 && code <= 599) {
                gone.add(entry.getKey());
            } else {
                retry.add(entry.getKey());
            }
        }
        return new Outcome(sent, retry, gone, describe(e), true);
    }

    /** The smarthost's replies and the failures behind them, in one line. */
    private static String describe(Exception e) {
        List<String> parts = new ArrayList<>();
        for (Throwable x = e; x != null && parts.size() < 4; x = x instanceof MessagingException me ? me.getNextException() : x.getCause()) {
            String message = String.valueOf(x.getMessage()).trim();
            boolean reply = x instanceof SMTPAddressFailedException || x instanceof SMTPSendFailedException;
            if (parts.stream().noneMatch(p -> p.contains(message))) {
                parts.add(reply ? message : x.getClass().getSimpleName() + ": " + message);
            }
        }
        return String.join("; ", parts).replaceAll("\\s+", " ");
    }

    /** An open connection: an idle one that still answers, else a new one. */
    private Transport connection() throws MessagingException {
        Idle i;
        long now = System.nanoTime();
        while ((i = idle.pollFirst()) != null) {
            if (now - i.since() < IDLE_LIMIT.toNanos() && i.transport().isConnected()) {
                return i.transport();
            }
            discard(i.transport());
        }
        Transport t = session.getTransport("smtp");
        if (settings.username().isEmpty()) {
            t.connect();
        } else {
            t.connect(settings.host(), settings.port(), settings.username(), settings.password());
        }
        return t;
    }

    private void release(Transport t) {
        if (t == null) {
            return;
        }
        if (idle.size() < MAX_IDLE) {
            idle.addFirst(new Idle(t, System.nanoTime()));
        } else {
            discard(t);
        }
    }

    private static void discard(Transport t) {
        if (t == null) {
            return;
        }
        try {
            t.close();
        } catch (MessagingException ignored) {
            // the connection is being given up anyway
        }
    }

    /** Closes every idle connection. */
    @Override
    public void close() {
        Idle i;
        while ((i = idle.pollFirst()) != null) {
            discard(i.transport());
        }
    }
}
