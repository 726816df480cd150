package org.tubemail.testing;

import jakarta.mail.internet.MimeMessage;
import org.tubemail.handler.Relay;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** A relay that sends nothing and keeps every message, for tests. Thread-safe. */
public final class CapturingRelay implements Relay {

    private final List<SentMail> sent = new ArrayList<>();

    @Override
    public synchronized void deliver(MimeMessage message, String envelopeFrom, List<String> recipients) {
        sent.add(new SentMail(envelopeFrom, recipients, message));
    }

    /** Everything sent so far, oldest first. */
    public synchronized List<SentMail> sent() {
        return List.copyOf(sent);
    }

    /** Everything sent to {@code address}, oldest first. */
    public synchronized List<SentMail> sentTo(String address) {
        return sent.stream().filter(m -> m.isTo(address)).toList();
    }

    /**
     * The newest message sent to {@code address}.
     *
     * @throws AssertionError when nothing was sent there, listing what was sent
     */
    public synchronized SentMail lastTo(String address) {
        List<SentMail> to = sentTo(address);
        if (to.isEmpty()) {
            throw new AssertionError("nothing was relayed to <" + address + ">; relayed: " + summary());
        }
        return to.get(to.size() - 1);
    }

    /**
     * The oldest message sent whose text matches {@code regex} (see {@link SentMail#matches}),
     * after Salmon's {@code delivered(pattern)}.
     */
    public synchronized Optional<SentMail> delivered(String regex) {
        Pattern p = Pattern.compile(regex);
        return sent.stream().filter(m -> m.matches(p)).findFirst();
    }

    /** @throws AssertionError when anything was sent */
    public synchronized void assertNothingSent() {
        if (!sent.isEmpty()) {
            throw new AssertionError("expected nothing relayed, got " + summary());
        }
    }

    /** Forgets everything sent so far. */
    public synchronized void clear() {
        sent.clear();
    }

    /** What was sent, as recipients and subjects, for assertion messages. */
    synchronized String summary() {
        List<String> out = new ArrayList<>();
        for (SentMail m : sent) {
            out.add(m.recipients() + " \"" + m.subject() + "\"");
        }
        return out.toString();
    }
}
