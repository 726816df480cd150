package org.tubemail.testing;

import org.tubemail.internal.mail.Addresses;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.MailResponse;
import org.tubemail.mail.Verdict;

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
    private String text;
    private String html;
    private final List<String[]> headers = new ArrayList<>();
    private Authentication authentication = Authentication.NONE;

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

    /** Sets the plain-text body (without it, and without {@link #html}, the body is "test message"). */
    public TestMail text(String value) {
        text = value;
        return this;
    }

    /** Sets an HTML body: the message has only HTML unless {@link #text} is also set (then both, as alternatives). */
    public TestMail html(String value) {
        html = value;
        return this;
    }

    /** Adds a header. */
    public TestMail header(String name, String value) {
        headers.add(new String[]{name, value});
        return this;
    }

    /**
     * Marks the sender as authenticated, as the receiver's checks would for real mail whose
     * sender's domain passed SPF and DKIM (and so DMARC): {@code @Authenticated} methods run for it.
     * Without this a test message carries no verdicts, like mail received with the checks off.
     */
    public TestMail authenticated() {
        String domain = Addresses.domain(sender);
        return authentication(new Authentication(new Authentication.Spf(Verdict.PASS, false, domain),
                List.of(new Authentication.Dkim(Verdict.PASS, domain, "test")), new Authentication.Dmarc(Verdict.PASS, domain, "none")));
    }

    /** Gives the message these verdicts, e.g. a forged sender's: {@code Authentication.parse("spf=fail; dmarc=fail")}. */
    public TestMail authentication(Authentication verdicts) {
        authentication = verdicts;
        return this;
    }

    /** The message as a router receives it. */
    public MailRequest build() {
        if (recipients.isEmpty()) {
            throw new IllegalStateException("TestMail needs at least one recipient: call to(...)");
        }
        MailResponse m = MailResponse.to(recipients.get(0)).subject(subject);
        if (text != null || html == null) {
            m.text(text != null ? text : "test message");
        }
        if (html != null) {
            m.html(html);
        }
        m.from(sender.isEmpty() ? "mailer-daemon@localhost" : sender);
        recipients.subList(1, recipients.size()).forEach(m::addTo);
        headers.forEach(h -> m.header(h[0], h[1]));
        return MailRequest.of(new Envelope("127.0.0.1", sender, recipients, authentication), m.toMimeMessage());
    }
}
