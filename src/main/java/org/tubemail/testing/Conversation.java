package org.tubemail.testing;

import org.tubemail.internal.routing.DeliveryReport;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One person's exchange with the handlers under test, after Salmon's {@code RouterConversation}:
 * each {@link #say} delivers a message from this person, and {@link #expectReply} checks what the
 * handlers sent back to them in answer to it.
 *
 * <pre>{@code
 * kit.conversation("bob@example.org")
 *    .say("list-subscribe@example.com", "subscribe")
 *    .expectReply("confirm")
 *    .answer("yes")                        // to the reply's Reply-To, else its From
 *    .expectReply("Welcome");
 * }</pre>
 *
 * Not thread-safe: one conversation per test thread.
 */
public final class Conversation {

    private final TestKit kit;
    private final String address;
    private String subject = "test";
    private boolean authenticated;
    private int mark;
    private DeliveryReport lastReport;
    private SentMail lastReply;

    Conversation(TestKit kit, String address) {
        this.kit = kit;
        this.address = address;
        this.mark = kit.relay().sent().size();
    }

    /** Sets the subject of the messages said from now on (by default {@code test}). */
    public Conversation subject(String value) {
        subject = value;
        return this;
    }

    /**
     * Makes what this person says from now on count as authenticated ({@link TestMail#authenticated()}),
     * for handlers that demand an authenticated sender.
     */
    public Conversation authenticated() {
        authenticated = true;
        return this;
    }

    /** Delivers a message from this person to {@code to} with body {@code body}. */
    public Conversation say(String to, String body) {
        mark = kit.relay().sent().size();
        TestMail mail = TestMail.from(address).to(to).subject(subject).text(body);
        lastReport = kit.deliver(authenticated ? mail.authenticated() : mail);
        return this;
    }

    /**
     * Answers the last reply: says {@code body} to its {@code Reply-To} address, else its
     * {@code From} address.
     *
     * @throws AssertionError when no reply was expected yet
     */
    public Conversation answer(String body) {
        SentMail reply = reply();
        String to = reply.asRequest().addressHeader("Reply-To").stream().findFirst()
                .or(() -> reply.asRequest().fromHeader().stream().findFirst())
                .map(a -> a.getAddress())
                .orElseThrow(() -> new AssertionError("the last reply to <" + address + "> has no Reply-To or From address"));
        return say(to, body);
    }

    /**
     * Checks that, since the last {@link #say}, the handlers sent this person a message in which
     * {@code regex} is found (see {@link SentMail#matches}); the newest such message becomes
     * {@link #reply()}.
     *
     * @throws AssertionError when none was, listing what was sent to this person
     */
    public Conversation expectReply(String regex) {
        Pattern p = Pattern.compile(regex);
        List<SentMail> mine = repliesSinceSay();
        for (int i = mine.size() - 1; i >= 0; i--) {
            if (mine.get(i).matches(p)) {
                lastReply = mine.get(i);
                return this;
            }
        }
        throw new AssertionError("expected a reply to <" + address + "> matching /" + regex + "/ after saying something; "
                + (mine.isEmpty() ? "nothing was sent to them" : "they got " + subjects(mine))
                + (lastReport == null ? "" : "; the message was " + lastReport.results()));
    }

    /** @throws AssertionError when the handlers sent this person anything since the last {@link #say} */
    public Conversation expectNoReply() {
        List<SentMail> mine = repliesSinceSay();
        if (!mine.isEmpty()) {
            throw new AssertionError("expected no reply to <" + address + ">, got " + subjects(mine));
        }
        return this;
    }

    /**
     * The reply the last {@link #expectReply} found.
     *
     * @throws AssertionError when no reply was expected yet
     */
    public SentMail reply() {
        if (lastReply == null) {
            throw new AssertionError("no reply to <" + address + "> was found yet: call expectReply(regex) first");
        }
        return lastReply;
    }

    /** How the router handled the last message said, or {@code null} before the first. */
    public DeliveryReport report() {
        return lastReport;
    }

    private List<SentMail> repliesSinceSay() {
        List<SentMail> all = kit.relay().sent();
        return all.subList(Math.min(mark, all.size()), all.size()).stream().filter(m -> m.isTo(address)).toList();
    }

    private static List<String> subjects(List<SentMail> mails) {
        return mails.stream().map(m -> "\"" + m.subject() + "\"").toList();
    }
}
