package org.tubemail.internal.server.smtp;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.RecipientPolicy;
import org.tubemail.mail.MailRequest;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SMTP conversation without sockets: {@link SmtpDialog} fed command lines, and {@link SmtpPath} on its own. */
class SmtpDialogTest {

    /** Accepts every address of the accepted domain. */
    public static class Anyone {
        @Stateless
        @Route("(user)@(host)")
        public void any(MailRequest msg) {
        }
    }

    private static final long MAX_BYTES = 2_000;
    private static final int MAX_RECIPIENTS = 3;

    private SmtpDialog dialog;
    private ReceiverSettings settings;
    private RecipientPolicy policy;

    @BeforeEach
    void newDialog() {
        Router router = Router.builder().defaultCapture("host", "example\\.com").defaultCapture("user", "[^@]+")
                .handlers(new Anyone()).build();
        settings = new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), MAX_BYTES, MAX_RECIPIENTS,
                Duration.ofSeconds(60), 20, 2);
        policy = new RecipientPolicy(settings.acceptedDomains(), router);
        dialog = new SmtpDialog("mx.test", settings, policy);
    }

    /** The same rules in LMTP mode (RFC 2033). */
    private void lmtp() {
        dialog = SmtpDialog.lmtp("mx.test", settings, policy, false, false);
    }

    private String cmd(String line) {
        return dialog.command(line);
    }

    private void assertReply(String prefix, String line) {
        String reply = cmd(line);
        assertTrue(reply.startsWith(prefix), line + " -> " + reply + " (expected " + prefix + ")");
    }

    /** EHLO and a sender, ready for recipients. */
    private void mailFrom(String sender) {
        assertReply("250", "EHLO client.example.org");
        assertReply("250 2.1.0", "MAIL FROM:<" + sender + ">");
    }

    // ---- command order ----

    @Test
    void greetingNamesTheHost() {
        assertEquals("220 mx.test ESMTP Tubemail", dialog.greeting());
    }

    @Test
    void mailBeforeHeloIsOutOfOrder() {
        assertReply("503 5.5.1", "MAIL FROM:<a@example.org>");
        assertNull(dialog.from());
        assertReply("250", "HELO client");
        assertReply("250 2.1.0", "MAIL FROM:<a@example.org>");
    }

    @Test
    void rcptBeforeMailIsOutOfOrder() {
        assertReply("250", "EHLO client");
        assertReply("503 5.5.1", "RCPT TO:<b@example.com>");
        assertEquals(List.of(), dialog.recipients());
    }

    @Test
    void dataNeedsASenderAndARecipient() {
        assertReply("250", "EHLO client");
        assertReply("503 5.5.1", "DATA");
        assertReply("250 2.1.0", "MAIL FROM:<a@example.org>");
        assertReply("554 5.5.1", "DATA");
        assertFalse(dialog.expectsData());
        assertReply("550 5.7.1", "RCPT TO:<b@elsewhere.org>");
        assertReply("554 5.5.1", "DATA"); // a refused recipient does not count
        assertFalse(dialog.expectsData());
        assertReply("250 2.1.5", "RCPT TO:<b@example.com>");
        assertReply("354", "DATA");
        assertTrue(dialog.expectsData());
        assertEquals("a@example.org", dialog.from());
        assertEquals(List.of("b@example.com"), dialog.recipients());
    }

    @Test
    void aSecondMailInOneTransactionIsOutOfOrder() {
        mailFrom("first@example.org");
        assertReply("503 5.5.1", "MAIL FROM:<second@example.org>");
        assertEquals("first@example.org", dialog.from());
    }

    // ---- EHLO / HELO ----

    @Test
    void ehloListsTheExtensionsAndTheSizeLimit() {
        String reply = cmd("EHLO client.example.org");
        List<String> lines = List.of(reply.split("\r\n"));
        assertEquals("250-mx.test", lines.get(0));
        for (int i = 0; i < lines.size() - 1; i++) {
            assertTrue(lines.get(i).startsWith("250-"), "continuation line: " + lines.get(i));
        }
        assertEquals("250 SIZE " + MAX_BYTES, lines.get(lines.size() - 1), "the last line ends the reply");
        assertTrue(lines.contains("250-PIPELINING"), reply);
        assertTrue(lines.contains("250-8BITMIME"), reply);
        assertTrue(lines.contains("250-SMTPUTF8"), reply);
        assertFalse(reply.contains("STARTTLS") || reply.contains("AUTH"), "nothing that is not offered: " + reply);
        assertEquals("client.example.org", dialog.helo());
    }

    @Test
    void heloAnswersOneLineAndBothNeedAName() {
        assertEquals("250 mx.test", cmd("HELO client"));
        assertReply("501 5.5.4", "EHLO");
        assertReply("501 5.5.4", "HELO   ");
    }

    // ---- MAIL FROM ----

    @Test
    void theNullSenderIsAccepted() {
        assertReply("250", "EHLO client");
        assertReply("250 2.1.0", "MAIL FROM:<>");
        assertEquals("", dialog.from());
        assertReply("250 2.1.5", "RCPT TO:<postmaster@example.com>");
        assertReply("354", "DATA");
    }

    @Test
    void aDeclaredSizeOverTheLimitIsRefused() {
        assertReply("250", "EHLO client");
        assertReply("552 5.3.4", "MAIL FROM:<a@example.org> SIZE=" + (MAX_BYTES + 1));
        assertNull(dialog.from(), "no transaction after a refused MAIL");
        assertReply("552 5.3.4", "MAIL FROM:<a@example.org> SIZE=99999999999999999");
        assertReply("250 2.1.0", "MAIL FROM:<a@example.org> SIZE=" + MAX_BYTES);
    }

    @Test
    void aSizeThatIsNoNumberIsASyntaxError() {
        assertReply("250", "EHLO client");
        assertReply("501 5.5.4", "MAIL FROM:<a@example.org> SIZE=big");
        assertReply("501 5.5.4", "MAIL FROM:<a@example.org> SIZE=");
        assertReply("501 5.5.4", "MAIL FROM:<a@example.org> SIZE");
        assertReply("501 5.5.4", "MAIL FROM:<a@example.org> SIZE=-1");
        assertReply("501 5.5.4", "MAIL FROM:<a@example.org> SIZE=1234567890123456789"); // over 18 digits
        assertNull(dialog.from());
    }

    @Test
    void unknownParametersAre555() {
        assertReply("250", "EHLO client");
        assertReply("555 5.5.4", "MAIL FROM:<a@example.org> RET=FULL");
        assertReply("555 5.5.4", "MAIL FROM:<a@example.org> BODY=8BITMIME XFOO");
        assertReply("555 5.5.4", "MAIL FROM:<a@example.org> AUTH=<>");
        assertNull(dialog.from());
    }

    @Test
    void aParameterWhoseNameChangesLengthInUpperCaseIs555() {
        // "ß" upper-cases to "SS" and "ﬀ" to "FF": the value must be cut from the name as sent, not as upper-cased
        assertReply("250", "EHLO client");
        assertReply("555 5.5.4", "MAIL FROM:<a@example.org> ß");
        assertReply("555 5.5.4", "MAIL FROM:<a@example.org> ﬀ=1");
        assertReply("250 2.1.0", "MAIL FROM:<a@example.org>");
    }

    @Test
    void knownParametersAreAcceptedInAnyCase() {
        assertReply("250", "EHLO client");
        assertReply("250 2.1.0", "MAIL FROM:<a@example.org> BODY=8BITMIME");
        assertReply("250", "RSET");
        assertReply("250 2.1.0", "MAIL FROM:<a@example.org> body=7bit size=100 smtputf8");
        assertReply("250", "RSET");
        assertReply("250 2.1.0", "MAIL FROM:<a@example.org>   SIZE=10    BODY=8BITMIME  ");
    }

    @Test
    void lenientAddressForms() {
        assertReply("250", "EHLO client");
        assertReply("250 2.1.0", "MAIL FROM: <spaced@example.org>");
        assertEquals("spaced@example.org", dialog.from());
        assertReply("250", "RSET");
        assertReply("250 2.1.0", "MAIL FROM:bare@example.org");
        assertEquals("bare@example.org", dialog.from());
        assertReply("250", "RSET");
        assertReply("250 2.1.0", "MAIL FROM: bare@example.org SIZE=10");
        assertEquals("bare@example.org", dialog.from());
        assertReply("250 2.1.5", "RCPT TO: <one@example.com>");
        assertReply("250 2.1.5", "RCPT TO:two@example.com");
        assertEquals(List.of("one@example.com", "two@example.com"), dialog.recipients());
    }

    @Test
    void malformedMailAndRcptAreSyntaxErrors() {
        assertReply("250", "EHLO client");
        assertReply("501 5.5.4", "MAIL");
        assertReply("501 5.5.4", "MAIL FROM");
        assertReply("501 5.5.4", "MAIL TO:<a@example.org>");
        assertReply("501 5.1.7", "MAIL FROM:");
        assertReply("501 5.1.7", "MAIL FROM:<a@example.org");
        assertReply("501 5.1.7", "MAIL FROM:<\"unclosed@example.org>");
        assertNull(dialog.from());
        assertReply("250 2.1.0", "MAIL FROM:<a@example.org>");
        assertReply("501 5.5.4", "RCPT <b@example.com>");
        assertReply("501 5.1.3", "RCPT TO:<b@example.com");
        assertReply("501 5.1.3", "RCPT TO:<nodomain>");
        assertEquals(List.of(), dialog.recipients());
    }

    @Test
    void aQuotedLocalPartMayHoldAnAngleBracketAndASpace() {
        assertReply("250", "EHLO client");
        assertReply("250 2.1.0", "MAIL FROM:<\"odd> sender\"@example.org> SIZE=10");
        assertEquals("\"odd> sender\"@example.org", dialog.from());
        assertReply("250 2.1.5", "RCPT TO:<\"a> b\"@example.com>");
        assertEquals(List.of("\"a> b\"@example.com"), dialog.recipients());
    }

    @Test
    void controlCharactersInAddressesAreRefused() {
        assertReply("250", "EHLO client");
        assertReply("501", "MAIL FROM:<a\u0001b@example.org>");
        assertReply("501", "MAIL FROM:<a\tb@example.org>");
        assertReply("501", "MAIL FROM:<a\rb@example.org>");
        assertReply("501", "MAIL FROM:<a\u007fb@example.org>");
        assertNull(dialog.from());
        assertReply("250 2.1.0", "MAIL FROM:<a@example.org>");
        assertReply("501", "RCPT TO:<b\u0000@example.com>");
        assertReply("501", "RCPT TO:<\"b\u001b\"@example.com>");
        assertEquals(List.of(), dialog.recipients());
    }

    // ---- RCPT ----

    @Test
    void recipientsBeyondTheLimitGet452() {
        mailFrom("a@example.org");
        for (int i = 0; i < MAX_RECIPIENTS; i++) {
            assertReply("250 2.1.5", "RCPT TO:<r" + i + "@example.com>");
        }
        assertReply("452 4.5.3", "RCPT TO:<one.more@example.com>");
        assertEquals(MAX_RECIPIENTS, dialog.recipients().size());
        assertReply("354", "DATA");
    }

    @Test
    void recipientsAreCheckedByThePolicy() {
        mailFrom("a@example.org");
        assertReply("550 5.7.1", "RCPT TO:<victim@elsewhere.org>");
        assertReply("550 5.7.1", "RCPT TO:<@example.com:victim@elsewhere.org>");
        assertReply("250 2.1.5", "RCPT TO:<@relay.example.org:local@example.com>");
        assertEquals(List.of("local@example.com"), dialog.recipients(), "the source route is dropped");
    }

    /** Routes one literal address. */
    public static class Echo {
        @Stateless
        @Route("echo@(host)")
        public void echo(MailRequest msg) {
        }
    }

    @Test
    void recipientsMatchRoutesInAnyCaseAndKeepTheirSpelling() {
        Router router = Router.builder().defaultCapture("host", "example\\.com").handlers(new Echo()).build();
        ReceiverSettings settings = new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), MAX_BYTES, MAX_RECIPIENTS,
                Duration.ofSeconds(60), 20, 2);
        dialog = new SmtpDialog("mx.test", settings, new RecipientPolicy(settings.acceptedDomains(), router));
        mailFrom("a@example.org");
        assertReply("250 2.1.5", "RCPT TO:<ECHO@example.com>");
        assertReply("250 2.1.5", "RCPT TO:<Echo@Example.COM>");
        assertReply("550 5.1.1", "RCPT TO:<echo2@example.com>");
        assertEquals(List.of("ECHO@example.com", "Echo@Example.COM"), dialog.recipients(), "the addresses as written");
    }

    // ---- RSET, QUIT, verbs ----

    @Test
    void rsetClearsTheTransactionButKeepsTheGreeting() {
        mailFrom("a@example.org");
        assertReply("250 2.1.5", "RCPT TO:<b@example.com>");
        assertEquals("250 2.0.0 Ok", cmd("RSET"));
        assertNull(dialog.from());
        assertEquals(List.of(), dialog.recipients());
        assertFalse(dialog.expectsData());
        assertReply("503", "RCPT TO:<b@example.com>");
        assertReply("503", "DATA");
        assertEquals("client.example.org", dialog.helo());
        assertReply("250 2.1.0", "MAIL FROM:<c@example.org>");
        assertEquals("c@example.org", dialog.from());
    }

    @Test
    void ehloInATransactionStartsAfresh() {
        mailFrom("a@example.org");
        assertReply("250 2.1.5", "RCPT TO:<b@example.com>");
        assertReply("250", "EHLO again.example.org");
        assertNull(dialog.from());
        assertEquals(List.of(), dialog.recipients());
        assertEquals("again.example.org", dialog.helo());
    }

    @Test
    void resetAfterDataEndsTheTransaction() {
        mailFrom("a@example.org");
        assertReply("250 2.1.5", "RCPT TO:<b@example.com>");
        assertReply("354", "DATA");
        dialog.reset(); // what the connection does once the message is stored
        assertFalse(dialog.expectsData());
        assertNull(dialog.from());
        assertReply("250 2.1.0", "MAIL FROM:<next@example.org>");
    }

    @Test
    void quitSaysByeAndIsRemembered() {
        assertFalse(dialog.quit());
        assertReply("250", "NOOP");
        assertFalse(dialog.quit());
        assertEquals("221 2.0.0 Bye", cmd("QUIT"));
        assertTrue(dialog.quit());
    }

    @Test
    void verbsAreCaseInsensitive() {
        assertReply("250", "ehlo client");
        assertReply("250 2.1.0", "mail from:<a@example.org>");
        assertReply("250 2.1.5", "Rcpt To:<b@example.com>");
        assertReply("354", "data");
        dialog.reset();
        assertReply("250", "nOoP");
        assertReply("250", "rset");
        assertReply("221", "quit");
        assertTrue(dialog.quit());
    }

    @Test
    void unknownVerbsAre500() {
        assertEquals("500 5.5.2 Unknown command", cmd("FROB"));
        assertEquals("500 5.5.2 Unknown command", cmd(""));
        assertEquals("500 5.5.2 Unknown command", cmd("MAILFROM:<a@example.org>"));
        assertEquals("500 5.5.2 Unknown command", cmd(" EHLO client"));
        assertNull(dialog.helo());
    }

    @Test
    void extensionsNotOfferedAre502() {
        assertReply("250", "EHLO client");
        assertReply("502 5.5.1", "STARTTLS");
        assertReply("502 5.5.1", "starttls");
        assertReply("502 5.5.1", "AUTH PLAIN AGZvbwBiYXI=");
        assertReply("502 5.5.1", "BDAT 10 LAST");
        assertReply("502 5.5.1", "EXPN list");
        // and the session goes on
        assertReply("250 2.1.0", "MAIL FROM:<a@example.org>");
    }

    @Test
    void noopVrfyAndHelpNeedNoTransaction() {
        assertEquals("250 2.0.0 Ok", cmd("NOOP"));
        assertEquals("250 2.0.0 Ok", cmd("NOOP anything"));
        assertReply("252", "VRFY someone");
        assertReply("214", "HELP");
        assertNull(dialog.from());
    }

    @Test
    void brokenPathsAre501() {
        assertReply("250", "EHLO client");
        for (String bad : List.of("not-an-address-<<", "<a@b@localhost>", "<a..b@example.org>", "<.a@example.org>",
                "<a.@example.org>", "<a b@example.org>", "<a@-example.org>", "<a@example-.org>", "<a@example..org>", "<a@>",
                "<@example.org>", "<a@example.org>junk", "<a(comment)@example.org>", "<a@[192.0.2.1>", "<@a.org:>",
                "<@a.org,b.org:u@example.org>", "a@b@localhost SIZE=10")) {
            assertReply("501 5.1.7", "MAIL FROM:" + bad);
        }
        assertNull(dialog.from());
        assertReply("250 2.1.0", "MAIL FROM:<a@example.org>");
        assertReply("501 5.1.3", "RCPT TO:<a@b@example.com>");
        assertReply("501 5.1.3", "RCPT TO:<b..c@example.com>");
        assertReply("501 5.1.3", "RCPT TO:not-an-address-<<");
        assertEquals(List.of(), dialog.recipients());
    }

    @Test
    void wellFormedPathsOfEveryKindAreAccepted() {
        assertReply("250", "EHLO client");
        for (String good : List.of("<a.b+tag@example.org>", "<\"a@b\"@example.org>", "<\"a\\\\b\"@example.org>", "<user@[192.0.2.1]>",
                "<u@[IPv6:2001:db8::1]>", "<jöse@exämple.org>", "<o'brien!x#y$z%w&v*u=t?s^r`q{p|o}n~m/l@mail_host.example.org>",
                "<@a.org,@b.org:u@example.org>", "bare@example.org")) {
            assertReply("250 2.1.0", "MAIL FROM:" + good);
            assertReply("250", "RSET");
        }
    }

    @Test
    void lineSeparatorsInSmtputf8AddressesAreRefused() {
        assertReply("250", "EHLO client");
        for (String sep : List.of("\u0085", "\u2028", "\u2029", "\u009b", "\u0080")) {
            assertReply("501 5.1.7", "MAIL FROM:<a" + sep + "b@example.org> SMTPUTF8");
            assertReply("501 5.1.7", "MAIL FROM:<\"a" + sep + "b\"@example.org> SMTPUTF8");
            assertReply("501 5.1.7", "MAIL FROM:<ab@exa" + sep + "mple.org> SMTPUTF8");
        }
        assertReply("250 2.1.0", "MAIL FROM:<jöse@example.org> SMTPUTF8");
        for (String sep : List.of("\u0085", "\u2028", "\u2029")) {
            assertReply("501 5.1.3", "RCPT TO:<b" + sep + "@example.com>");
        }
        assertEquals(List.of(), dialog.recipients());
    }

    @Test
    void theTraceProtocolIsSmtpAfterHeloAndEsmtpAfterEhlo() {
        assertReply("250", "HELO client");
        assertEquals("SMTP", dialog.traceProtocol());
        assertReply("250", "EHLO client");
        assertEquals("ESMTP", dialog.traceProtocol());
        assertReply("250", "HELO client");
        assertEquals("SMTP", dialog.traceProtocol());
    }

    // ---- SmtpPath ----

    @Test
    void pathsSplitIntoAddressAndParameters() {
        assertEquals(new SmtpPath("a@example.org", List.of()), SmtpPath.parse("<a@example.org>"));
        assertEquals(new SmtpPath("", List.of()), SmtpPath.parse("<>"));
        assertEquals(new SmtpPath("a@example.org", List.of("SIZE=10", "BODY=8BITMIME")),
                SmtpPath.parse("  <a@example.org>   SIZE=10  BODY=8BITMIME "));
        assertEquals(new SmtpPath("a@example.org", List.of("SIZE=10")), SmtpPath.parse("a@example.org SIZE=10"));
        assertEquals(new SmtpPath("\"x> y\"@example.org", List.of("SIZE=1")), SmtpPath.parse("<\"x> y\"@example.org> SIZE=1"));
        assertEquals(new SmtpPath("\"x\\\"> y\"@example.org", List.of()), SmtpPath.parse("<\"x\\\"> y\"@example.org>"),
                "an escaped quote does not end the quoted part");
        assertEquals(new SmtpPath("@a.org,@b.org:u@example.com", List.of()), SmtpPath.parse("<@a.org,@b.org:u@example.com>"));
    }

    @Test
    void malformedPathsAreNull() {
        assertNull(SmtpPath.parse(""));
        assertNull(SmtpPath.parse("   "));
        assertNull(SmtpPath.parse("<a@example.org"));
        assertNull(SmtpPath.parse("<\"a>@example.org>"), "the quote is never closed");
        assertNull(SmtpPath.parse("<a\u0000@example.org>"));
        assertNull(SmtpPath.parse("a\u0007@example.org"));
        assertNull(SmtpPath.parse("<\"a\u001f\"@example.org>"));
    }

    @Test
    void pipeliningIsOfferedOnlyAfterEhlo() {
        assertFalse(dialog.pipeliningOffered(), "before any greeting");
        cmd("HELO client.example.org");
        assertFalse(dialog.pipeliningOffered(), "HELO offers no extensions");
        cmd("EHLO client.example.org");
        assertTrue(dialog.pipeliningOffered());
        cmd("HELO client.example.org");
        assertFalse(dialog.pipeliningOffered(), "a later HELO takes it back");
    }

    // ---- LMTP mode ----

    @Test
    void lmtpGreetsWithLhloOnlyAndSaysLmtpInTheTrace() {
        lmtp();
        assertEquals("220 mx.test LMTP Tubemail", dialog.greeting());
        assertReply("500 5.5.1 This is an LMTP server: use LHLO", "EHLO client");
        assertReply("500 5.5.1", "HELO client");
        assertReply("503 5.5.1 Send LHLO first", "MAIL FROM:<a@example.org>");
        assertReply("501 5.5.4 LHLO needs a host name", "LHLO");
        String lhlo = cmd("lhlo mta.example.org");
        assertTrue(lhlo.startsWith("250-mx.test\r\n") && lhlo.contains("250-PIPELINING") && lhlo.endsWith("250 SIZE " + MAX_BYTES), lhlo);
        assertFalse(lhlo.contains("STARTTLS"), "no certificate, no STARTTLS");
        assertTrue(dialog.pipeliningOffered());
        assertEquals("LMTP", dialog.traceProtocol());
        assertEquals("mta.example.org", dialog.helo());
        assertReply("214 2.0.0 Commands: LHLO MAIL", "HELP");
    }

    @Test
    void smtpDoesNotKnowLhlo() {
        assertReply("500 5.5.2 Unknown command", "LHLO client");
    }

    @Test
    void lmtpDataWithoutAcceptedRecipientIs503AndTheSmtpRulesHold() {
        lmtp();
        assertReply("250", "LHLO client.example.org");
        assertReply("250 2.1.0", "MAIL FROM:<s@example.org>");
        assertReply("503 5.5.1 Sender already given", "MAIL FROM:<s@example.org>");
        assertReply("550 5.7.1", "RCPT TO:<x@elsewhere.org>");
        assertReply("503 5.5.1 Send RCPT first", "DATA");
        assertReply("250", "RSET");
        assertReply("552 5.3.4", "MAIL FROM:<s@example.org> SIZE=" + (MAX_BYTES + 1));
        assertReply("250 2.1.0", "MAIL FROM:<s@example.org> SIZE=10");
        assertReply("502 5.5.1 BDAT is not offered here", "BDAT 10 LAST");
        assertReply("502 5.5.1 AUTH is not offered here", "AUTH PLAIN");
        assertReply("250 2.1.5", "RCPT TO:<a@example.com>");
        assertReply("354", "DATA");
        assertTrue(dialog.expectsData());
    }
}
