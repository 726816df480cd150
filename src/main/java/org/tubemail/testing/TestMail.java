package org.tubemail.testing;

import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.MailResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a received message for tests: {@code TestMail.from("bob@example.org").to("help@example.com").subject("hi")}.
 * The {@code From} and {@code To} headers follow the envelope unless set otherwise.
 */
public final class TestMail {

    private final String sender;
    private final List<String> recipients = new ArrayList<>();
    private String subject = "test";
    private String text = "test message";
    private final List<String[]> headers = new ArrayList<>();

    private TestMail(String sender) {
        this.sender = sender;
    }

    /** A message with envelope sender {@code sender}. */
    public static TestMail from(String sender) {
        return new TestMail(sender);
    }

    /** Adds envelope recipients. */
    public TestMail to(String... addresses) {
        recipients.addAll(List.of(addresses));
        return this;
    }

    /** Sets the subject. */
    public TestMail subject(String value) {
        subject = value;
        return this;
    }

    /** Sets the plain-text body. */
    public TestMail text(String value) {
        text = value;
        return this;
    }

    /** Adds a header. */
    public TestMail header(String name, String value) {
        headers.add(new String[]{name, value});
        return this;
    }

    /** The message as a router receives it. */
    public MailRequest build() {
        if (recipients.isEmpty()) {
            throw new IllegalStateException("TestMail needs at least one recipient: call to(...)");
        }
        MailResponse m = MailResponse.to(recipients.get(0)).subject(subject).text(text);
        m.from(sender.isEmpty() ? "mailer-daemon@localhost" : sender);
        recipients.subList(1, recipients.size()).forEach(m::addTo);
        headers.forEach(h -> m.header(h[0], h[1]));
        return MailRequest.of(new Envelope("127.0.0.1", sender, recipients), m.toMimeMessage());
    }
}
