package org.tubemail.examples.mailinglist;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.mail.Addresses;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.MailResponse;
import org.tubemail.relay.Relay;
import org.tubemail.routing.Handler;
import org.tubemail.routing.Route;
import org.tubemail.routing.Stateless;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A mailing list service in the spirit of librelist: {@code list-subscribe@host} asks for a
 * confirmation, {@code list-confirm-TOKEN@host} confirms it, {@code list@host} posts to every
 * active member, {@code list-unsubscribe@host} leaves. Deliveries carry a VERP bounce address
 * ({@code list-bounce-bob=example.org@host}); after {@link #BOUNCE_LIMIT} bounces a member gets no
 * more mail. Routes end in {@code @(listdomain)}: set the router's default for the
 * {@code listdomain} capture to the lists' own domain. Per-sender states: {@code START} → {@code CONFIRMING} → {@code POSTING} (see the
 * example's README for the diagram).
 */
@Handler("mailinglist")
public class MailingListHandler implements AutoCloseable {

    /** Bounces after which a member is disabled. */
    public static final int BOUNCE_LIMIT = 3;

    private static final Logger LOG = LoggerFactory.getLogger(MailingListHandler.class);
    private static final String LIST = "list=[a-z0-9]+";
    private static final Duration CONFIRM_VALIDITY = Duration.ofHours(48);

    private final Relay relay;
    private final String host;
    private final ListDatabase db;
    private final ConfirmationEngine confirmations;
    private final Templates templates = new Templates();

    /** For a configured server: lists on the first accepted domain, data under {@code run/data}. */
    public MailingListHandler(org.tubemail.config.BootContext context) {
        this(context.relay(), context.host(), context.dataDir());
    }

    /** For servers: data kept in {@code dataDir/lists.db}. */
    public MailingListHandler(Relay relay, String host, Path dataDir) {
        this(relay, host, ListDatabase.open(dataDir.resolve("lists.db")), Clock.systemUTC());
    }

    /** For tests: a given database and clock. */
    public MailingListHandler(Relay relay, String host, ListDatabase db, Clock clock) {
        this.relay = relay;
        this.host = host;
        this.db = db;
        this.confirmations = new ConfirmationEngine(db, clock, CONFIRM_VALIDITY);
    }

    @Route(value = "(list)-subscribe@(listdomain)", where = LIST)
    @Route(value = "(list)@(listdomain)", where = LIST)
    public String START(MailRequest msg, Map<String, String> captures) {
        return command(msg, captures, "START");
    }

    @Route(value = "(list)-confirm-(token)@(listdomain)", where = {LIST, "token=[0-9a-f]{24}"})
    @Route(value = "(list)-subscribe@(listdomain)", where = LIST)
    @Route(value = "(list)@(listdomain)", where = LIST)
    public String CONFIRMING(MailRequest msg, Map<String, String> captures) {
        return command(msg, captures, "CONFIRMING");
    }

    @Route(value = "(list)-unsubscribe@(listdomain)", where = LIST)
    @Route(value = "(list)-confirm-(token)@(listdomain)", where = {LIST, "token=[0-9a-f]{24}"})
    @Route(value = "(list)-subscribe@(listdomain)", where = LIST)
    @Route(value = "(list)@(listdomain)", where = LIST)
    public String POSTING(MailRequest msg, Map<String, String> captures) {
        return command(msg, captures, "POSTING");
    }

    /** Every state does the same few things; the state decides which addresses reach it. */
    private String command(MailRequest msg, Map<String, String> captures, String state) {
        String list = captures.get("list");
        String sender = msg.from().toLowerCase(java.util.Locale.ROOT);
        String local = Addresses.localPart(Addresses.folded(msg.to())); // routes match in any case
        if (msg.isBounce()) {
            return state; // never answer a bounce sent to a list address
        }
        if (local.endsWith("-subscribe")) {
            String token = confirmations.request(list, sender);
            reply(msg, list, "Confirm your subscription to " + list, "confirm",
                    Map.of("confirmAddress", list + "-confirm-" + token + "@" + host, "hours", CONFIRM_VALIDITY.toHours()));
            return "CONFIRMING";
        }
        if (captures.containsKey("token")) {
            if (confirmations.confirm(list, sender, captures.get("token")).isEmpty()) {
                reply(msg, list, "Confirmation failed for " + list, "confirm_failed", Map.of());
                return state;
            }
            db.addMember(list, sender);
            reply(msg, list, "Welcome to " + list, "welcome", Map.of());
            return "POSTING";
        }
        if (local.endsWith("-unsubscribe")) {
            db.removeMember(list, sender);
            reply(msg, list, "You left " + list, "goodbye", Map.of());
            return db.isMemberOfAny(sender) ? "POSTING" : "START";
        }
        post(msg, list, sender);
        return state;
    }

    private void post(MailRequest msg, String list, String sender) {
        if (!db.isMember(list, sender)) {
            reply(msg, list, "Not posted to " + list, "not_member", Map.of());
            return;
        }
        for (String member : db.activeMembers(list)) {
            if (!member.equals(sender)) {
                relay.deliver(forMember(msg, list), bounceAddress(list, member), List.of(member));
            }
        }
    }

    /** The post as members get it: the original bytes, with list headers added. */
    private MimeMessage forMember(MailRequest msg, String list) {
        try {
            MimeMessage m = new MimeMessage(MailRequest.session(), new SharedByteArrayInputStream(msg.raw()));
            m.removeHeader("Return-Path");
            m.removeHeader("Delivered-To");
            m.setHeader("List-Id", "<" + list + "." + host + ">");
            m.setHeader("List-Post", "<mailto:" + list + "@" + host + ">");
            m.setHeader("List-Unsubscribe", "<mailto:" + list + "-unsubscribe@" + host + ">");
            m.setHeader("Reply-To", list + "@" + host);
            m.setHeader("Precedence", "list");
            return m;
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot copy post " + msg.messageId() + " for " + list + ": " + e.getMessage(), e);
        }
    }

    /** The VERP address bounces for {@code member} come back to. */
    String bounceAddress(String list, String member) {
        return list + "-bounce-" + member.replace('@', '=') + "@" + host;
    }

    /** Counts bounces per member and stops mail to members that bounce too often. */
    @Stateless
    @Route(value = "(list)-bounce-(member)@(listdomain)", where = {LIST, "member=[^@=]+=[^@=]+"})
    public void bounce(MailRequest msg, String list, String member) {
        if (!msg.isBounce()) {
            return;
        }
        String address = member.replace('=', '@').toLowerCase(java.util.Locale.ROOT);
        int count = db.recordBounce(list, address, BOUNCE_LIMIT);
        if (count >= BOUNCE_LIMIT) {
            LOG.warn("{} bounced {} times on list {}: no more mail is sent there", address, count, list);
        }
    }

    private void reply(MailRequest msg, String list, String subject, String template, Map<String, ?> extra) {
        Map<String, Object> values = new java.util.HashMap<>(extra);
        values.put("list", list);
        values.put("address", msg.from());
        values.put("postAddress", list + "@" + host);
        values.put("subscribeAddress", list + "-subscribe@" + host);
        values.put("unsubscribeAddress", list + "-unsubscribe@" + host);
        MailResponse response = MailResponse.to(msg.from())
                .from(list + "-admin@" + host)
                .subject(subject)
                .header("Auto-Submitted", "auto-replied")
                .text(templates.render(template, values));
        if (values.get("confirmAddress") instanceof String confirm) {
            response.header("Reply-To", confirm); // answering the request confirms it
        }
        relay.send(response);
    }

    /** Closes the list database. */
    @Override
    public void close() {
        db.close();
    }
}
