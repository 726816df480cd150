package org.tubemail.examples.mailinglist;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.boot.BootContext;
import org.tubemail.confirm.ConfirmationEngine;
import org.tubemail.confirm.ConfirmationStore;
import org.tubemail.handler.Authenticated;
import org.tubemail.handler.BounceTo;
import org.tubemail.handler.Handler;
import org.tubemail.handler.Relay;
import org.tubemail.handler.Route;
import org.tubemail.handler.StateKeyed;
import org.tubemail.handler.Stateless;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.Bounce;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.MailResponse;
import org.tubemail.mail.Verdict;
import org.tubemail.view.Templates;
import org.tubemail.web.OneClickUnsubscribe;
import org.tubemail.web.SignedTokens;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A mailing list service in the spirit of Lamson's librelist. Every list lives on the domain it is
 * written to ({@code dev@lists.example.com}): replies, list headers, confirmation and VERP bounce
 * addresses all use that domain. The life of one address on one list (the state key is the list's
 * address and the sender, so each list has its own state per member):
 *
 * <!-- graph -->
 * <pre>{@code
 * stateDiagram-v2
 *     [*] --> START
 *     START --> CONFIRMING : (list)@(listdomain), (list)-subscribe@(listdomain)
 *     CONFIRMING --> CONFIRMING : (list)-confirm-(token)@(listdomain), (list)@(listdomain), (list)-subscribe@(listdomain)
 *     CONFIRMING --> POSTING : (list)-confirm-(token)@(listdomain), (list)@(listdomain), (list)-subscribe@(listdomain)
 *     POSTING --> START : (list)@(listdomain), (list)-(action)@(listdomain)
 *     POSTING --> POSTING : (list)@(listdomain), (list)-(action)@(listdomain)
 * }</pre>
 * <!-- /graph -->
 *
 * (The diagram is {@code bin/tubemail graph mailinglist}'s, kept up to date by
 * {@code MailingListDiagramTest}.) START sends a confirmation request; CONFIRMING makes a member
 * with the right token in time, and asks again for mail to the list or a wrong or late token;
 * POSTING sends a post to the members, or a goodbye on {@code LIST-unsubscribe@}. Beside the
 * machine, a stateless method takes the VERP bounce addresses {@code LIST-bounce-USER=DOMAIN@}:
 * hard bounces count, soft ones decay, and too many disable the member.
 *
 * Subscribing, confirming and posting need an authenticated sender ({@link Authenticated}: SPF or
 * DKIM aligned with the envelope sender's domain), so a forger can neither subscribe someone else
 * nor post in a member's name; a post's {@code From:} must be aligned with that domain too, so a
 * member cannot post as someone else ({@code From: Alice <alice@victim.test>}). Posts whose author's domain publishes DMARC {@code p=reject} or
 * {@code p=quarantine} go out {@code From: "Alice via dev" <dev@lists.example.com>} with Alice in
 * {@code Reply-To}, so that the list's own DKIM signature (the relay signs by the {@code From:}
 * domain) makes them pass DMARC; other posts keep their {@code From:}.
 */
@Handler("mailinglist")
public class MailingListHandler implements StateKeyed, AutoCloseable {

    /** The life of one address on one list. */
    enum State { START, CONFIRMING, POSTING }

    /** The bounce score at which a member is disabled (hard bounces count 1, soft ones less, and decay). */
    public static final double BOUNCE_LIMIT = 3;
    /** How long a confirmation token works. */
    public static final Duration CONFIRM_VALIDITY = Duration.ofHours(48);

    private static final Logger LOG = LoggerFactory.getLogger(MailingListHandler.class);
    private static final String LIST = "list=[a-z0-9]+";
    private static final String TOKEN = "token=" + ConfirmationEngine.TOKEN_REGEX;

    private final Relay relay;
    private final ListDatabase db;
    private final ConfirmationEngine confirmations;
    private final Clock clock;
    /** RFC 8058 one-click unsubscribe links in posts, when run by a server (tests build the handler without one). */
    private OneClickUnsubscribe oneClick;
    private final Templates templates = Templates.fromClassPath(MailingListHandler.class, "templates");

    /** For a configured server: members in {@code run/data/lists.db}, confirmations in the server's store. */
    public MailingListHandler(BootContext context) {
        this(context.relay(), ListDatabase.open(context.dataDir().resolve("lists.db")), context.confirmations(), Clock.systemUTC());
        try {
            oneClick = new OneClickUnsubscribe(context.web(), SignedTokens.withKeyFile(context.dataDir().resolve("unsubscribe.key")),
                    (listAddress, member) -> context.stateChanges().withKey(MailingListHandler.class, key(listAddress, member), state -> {
                        boolean was = db.removeMember(listAddress, member);
                        if (was) { // as after LIST-unsubscribe@: this list's state for the member starts over
                            state.set(State.START);
                        }
                        return was;
                    }));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or make the unsubscribe key in " + context.dataDir() + ": " + e.getMessage(), e);
        }
    }

    /** For tests: a given database, confirmation store and clock. */
    public MailingListHandler(Relay relay, ListDatabase db, ConfirmationStore confirmations, Clock clock) {
        this.relay = relay;
        this.db = db;
        this.confirmations = new ConfirmationEngine(confirmations, CONFIRM_VALIDITY, clock);
        this.clock = clock;
    }

    /** One state machine per list and sender. */
    @Override
    public String stateKey(MailRequest request, Map<String, String> captures) {
        return key(list(captures), request.from());
    }

    /** The state key of {@code member} on the list at {@code listAddress}. */
    private static String key(String listAddress, String member) {
        return listAddress + " " + lower(member);
    }

    /** Not a member: anything to the list starts a subscription, confirmed by mail. */
    @Authenticated
    @Route(value = "(list)@(listdomain)", where = LIST)
    @Route(value = "(list)-subscribe@(listdomain)", where = LIST)
    public State START(MailRequest msg, String list, String listdomain) {
        requestConfirmation(msg, lower(list), lower(listdomain));
        return State.CONFIRMING;
    }

    /** Waiting for the token: the right one makes a member; mail to the list asks again. */
    @Authenticated
    @Route(value = "(list)-confirm-(token)@(listdomain)", where = {LIST, TOKEN})
    @Route(value = "(list)@(listdomain)", where = LIST)
    @Route(value = "(list)-subscribe@(listdomain)", where = LIST)
    public State CONFIRMING(MailRequest msg, Map<String, String> captures) {
        String list = lower(captures.get("list"));
        String listdomain = lower(captures.get("listdomain"));
        if (!captures.containsKey("token")) {
            requestConfirmation(msg, list, listdomain);
            return State.CONFIRMING;
        }
        if (confirmations.verify(list(captures), msg.from(), captures.get("token")).isEmpty()) {
            reply(msg, list, listdomain, "Confirmation failed for " + list, "confirm_failed", Map.of());
            return State.CONFIRMING;
        }
        db.addMember(list(captures), msg.from());
        reply(msg, list, listdomain, "Welcome to " + list, "welcome", Map.of());
        return State.POSTING;
    }

    /**
     * A member: posts go to every other active member; unsubscribing ends it. The {@code From:} that
     * readers see must be the member's own (authenticated) domain: a member cannot post as someone else.
     */
    @Authenticated(fromAligned = true)
    @Route(value = "(list)@(listdomain)", where = LIST)
    @Route(value = "(list)-(action)@(listdomain)", where = {LIST, "action=subscribe|unsubscribe"})
    public State POSTING(MailRequest msg, Map<String, String> captures) {
        String list = lower(captures.get("list"));
        String listdomain = lower(captures.get("listdomain"));
        String action = captures.getOrDefault("action", "post");
        if (action.equals("unsubscribe")) {
            db.removeMember(list(captures), msg.from());
            reply(msg, list, listdomain, "You left " + list, "goodbye", Map.of());
            return State.START;
        }
        if (action.equals("subscribe")) {
            reply(msg, list, listdomain, "You are a member of " + list, "welcome", Map.of());
            return State.POSTING;
        }
        post(msg, list, listdomain);
        return State.POSTING;
    }

    /** VERP bounce address of each delivery: bounces are sorted by kind ({@link BounceTo}); other mail there is ignored. */
    @Stateless
    @Route(value = "(list)-bounce-(member)@(listdomain)", where = {LIST, "member=[^@=]+=[^@=]+"})
    @BounceTo(hard = "hardBounce", soft = "softBounce")
    public void bounceAddress(MailRequest msg, String list, String member, String listdomain) {
        LOG.info("{} to {}-bounce is no bounce (an auto-reply?); ignored", msg, list);
    }

    void hardBounce(Bounce bounce, String list, String member, String listdomain) {
        countBounce(bounce, list + "@" + listdomain, member, true);
    }

    void softBounce(Bounce bounce, String list, String member, String listdomain) {
        countBounce(bounce, list + "@" + listdomain, member, false);
    }

    private void countBounce(Bounce bounce, String listAddress, String member, boolean hard) {
        listAddress = lower(listAddress);
        String address = member.replace('=', '@').toLowerCase(Locale.ROOT);
        double score = db.recordBounce(listAddress, address, hard, clock.millis(), BOUNCE_LIMIT);
        LOG.info("{} bounce of {} on {}: {} ({}); score {}", hard ? "hard" : "soft", address, listAddress, bounce.status(),
                bounce.statusMeaning(), String.format(Locale.ROOT, "%.2f", score));
        if (score >= BOUNCE_LIMIT) {
            LOG.warn("{} is disabled on {} after bounces (score {}): no more mail is sent there", address, listAddress,
                    String.format(Locale.ROOT, "%.2f", score));
        }
    }

    private void requestConfirmation(MailRequest msg, String list, String listdomain) {
        String token = confirmations.register(list + "@" + listdomain, msg);
        boolean post = msg.to().equalsIgnoreCase(list + "@" + listdomain);
        reply(msg, list, listdomain, "Confirm your subscription to " + list, "confirm", Map.of(
                "confirmAddress", list + "-confirm-" + token + "@" + listdomain,
                "hours", CONFIRM_VALIDITY.toHours(),
                "notPosted", post));
    }

    private void post(MailRequest msg, String list, String listdomain) {
        String listAddress = list + "@" + listdomain;
        for (String member : db.activeMembers(listAddress)) {
            if (!member.equalsIgnoreCase(msg.from())) {
                relay.deliver(withOneClick(ListPost.of(msg, list, listdomain, dmarcStrict(msg)), list, listdomain, member),
                        list + "-bounce-" + member.replace('@', '=') + "@" + listdomain, List.of(member));
            }
        }
    }

    /** The post for {@code member} with its own List-Unsubscribe link and List-Unsubscribe-Post (RFC 8058). */
    private MimeMessage withOneClick(MimeMessage post, String list, String listdomain, String member) {
        if (oneClick != null) {
            try {
                for (Map.Entry<String, String> h : oneClick.headers(list + "@" + listdomain, member, list + "-unsubscribe@" + listdomain).entrySet()) {
                    post.setHeader(h.getKey(), h.getValue());
                }
            } catch (MessagingException e) {
                throw new IllegalStateException("cannot add the unsubscribe headers for " + member + ": " + e.getMessage(), e);
            }
        }
        return post;
    }

    /**
     * Whether the author's domain asks receivers to refuse or quarantine mail that fails DMARC:
     * then the list's copy, which breaks the author's signature and comes from the list's servers,
     * must not carry the author's domain in {@code From}. When DNS gave no answer ({@code temperror})
     * the list assumes it does.
     */
    static boolean dmarcStrict(MailRequest msg) {
        Authentication.Dmarc dmarc = msg.authentication().dmarc();
        return dmarc.policy().equals("reject") || dmarc.policy().equals("quarantine") || dmarc.verdict() == Verdict.TEMPERROR;
    }

    private void reply(MailRequest msg, String list, String listdomain, String subject, String template, Map<String, ?> extra) {
        Map<String, Object> values = new HashMap<>(extra);
        values.putIfAbsent("notPosted", false);
        values.put("list", list);
        values.put("address", msg.from());
        values.put("postAddress", list + "@" + listdomain);
        values.put("subscribeAddress", list + "-subscribe@" + listdomain);
        values.put("unsubscribeAddress", list + "-unsubscribe@" + listdomain);
        // what anyone who can send as the sender can ask for again and again is an automatic reply,
        // limited per address and never sent to forged senders; a welcome or goodbye answers a proven request
        boolean automatic = template.equals("confirm") || template.equals("confirm_failed");
        MailResponse response = (automatic ? MailResponse.autoReply(msg) : MailResponse.to(msg.from()).answering(msg)
                .header("Auto-Submitted", "auto-replied"))
                .from(list + "-admin@" + listdomain)
                .subject(subject);
        if (values.get("confirmAddress") instanceof String confirm) {
            response.header("Reply-To", confirm); // answering the request confirms it
        }
        relay.send(templates.respond(response, template, values));
    }

    /** The list's address, the key of its members and confirmations: {@code dev@lists.example.com}. */
    private static String list(Map<String, String> captures) {
        return lower(captures.get("list") + "@" + captures.get("listdomain"));
    }

    /** Addresses match in any case; the list keeps its names in lower case. */
    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** Closes the list database. */
    @Override
    public void close() {
        db.close();
    }
}
