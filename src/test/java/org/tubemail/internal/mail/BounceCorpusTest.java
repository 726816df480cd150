package org.tubemail.internal.mail;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.tubemail.mail.Bounce;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MailRequest#bounce()} against a corpus of bounce formats in {@code src/test/resources/bounces}
 * (DSNs as Gmail, Exchange, Sendmail and Postfix write them, a global UTF-8 DSN, non-DSN texts from
 * qmail, Yahoo, old Exchange and Exim, and auto-replies and ordinary mail that are not bounces), each
 * checked against {@code expected.tsv}.
 */
class BounceCorpusTest {

    private static final Pattern RETURN_PATH = Pattern.compile("(?im)^Return-Path:\\s*<([^>]*)>");
    private static final Pattern FROM = Pattern.compile("(?im)^From:.*?<?([^\\s<>@]+@[^\\s<>]+?)>?\\s*(\\(.*\\))?$");

    static MailRequest load(String name) throws IOException {
        String text;
        try (InputStream in = BounceCorpusTest.class.getResourceAsStream("/bounces/" + name)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher rp = RETURN_PATH.matcher(text);
        String sender;
        if (rp.find()) {
            sender = rp.group(1);
        } else {
            Matcher f = FROM.matcher(text);
            sender = f.find() ? f.group(1) : "";
        }
        byte[] raw = text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        return MailRequest.parse(Envelope.of(sender, "dev-bounce@lists.example.com"), raw);
    }

    @TestFactory
    List<DynamicTest> everyCorpusFileReadsAsExpected() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        String table;
        try (InputStream in = getClass().getResourceAsStream("/bounces/expected.tsv")) {
            table = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String line : table.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            tests.add(DynamicTest.dynamicTest(f[0], () -> check(f)));
        }
        assertTrue(tests.size() >= 15, "corpus rows: " + tests.size());
        return tests;
    }

    private static void check(String[] f) throws IOException {
        Optional<Bounce> read = load(f[0]).bounce();
        if (f[1].equals("none")) {
            assertTrue(read.isEmpty(), f[0] + " is not a bounce, read as " + read);
            return;
        }
        Bounce b = read.orElseThrow(() -> new AssertionError(f[0] + " not read as a bounce"));
        assertEquals(f[1], b.kind().name(), f[0] + " kind");
        assertEquals(f[2], b.source().name(), f[0] + " source");
        assertEquals(f[3], b.status().toString(), f[0] + " status");
        assertEquals(f[4], b.finalRecipient(), f[0] + " final recipient");
        assertEquals(dash(f[5]), b.remoteMta(), f[0] + " remote MTA");
        assertEquals(f[6], b.reportingMta(), f[0] + " reporting MTA");
        assertEquals(dash(f[7]), b.originalHeader("Message-ID").orElse(""), f[0] + " returned Message-ID");
        assertFalse(b.statusMeaning().isEmpty());
        assertTrue(b.score() >= BounceHeuristics.THRESHOLD && b.score() <= 1.0, f[0] + " score " + b.score());
        if (b.status().codeClass() == 5 && b.status().subject() == 1 && b.status().detail() == 1) {
            assertFalse(b.diagnostic().isEmpty(), f[0] + " diagnostic");
        }
    }

    private static String dash(String s) {
        return s.equals("-") ? "" : s;
    }

    @Test
    void dsnFieldsAreReadInFull() throws IOException {
        Bounce b = load("gmail-dsn-hard.eml").bounce().orElseThrow();
        assertEquals("Permanent failure: Bad destination mailbox address", b.statusMeaning());
        assertTrue(b.diagnostic().startsWith("550-5.1.1 The email account that you tried to reach does not exist."), b.diagnostic());
        assertTrue(b.diagnostic().contains("NoSuchUser"), "folded diagnostic lines are joined: " + b.diagnostic());
        assertEquals("first post", b.originalHeader("subject").orElseThrow());
        assertEquals("failed", b.primary().action());

        Bounce multi = load("multi-recipient-dsn.eml").bounce().orElseThrow();
        assertEquals(1, multi.recipients().size(), "the delivered recipient is no failure");
        assertEquals("Permanent failure: Delivery not authorized, message refused", multi.statusMeaning());

        Bounce full = load("mailbox-full-dsn.eml").bounce().orElseThrow();
        assertTrue(full.isSoft(), "5.2.2 mailbox full passes: soft");
        assertEquals("frank@example.com", full.primary().originalRecipient());
    }

    @Test
    void heuristicsScoreTheEvidence() throws IOException {
        Bounce q = load("qmail-hard.eml").bounce().orElseThrow();
        assertTrue(q.diagnostic().contains("550 5.1.1"), q.diagnostic());
        assertEquals("first post", q.originalHeader("Subject").orElseThrow(), "the inline copy's headers");
        assertTrue(load("vacation-null-sender.eml").isBounce(), "isBounce: null sender, automatic mail");
        assertTrue(load("vacation-null-sender.eml").bounce().isEmpty(), "but no failure report");
    }

    @Test
    void longHostileBouncesAreReadInOnePass() {
        String body = "a".repeat(20_000) + "\r\n<" + "b".repeat(20_000) + "\r\n" + "c@".repeat(10_000) + "\r\n";
        MailRequest r = MailRequest.parse(Envelope.of("", "x@example.com"),
                ("Subject: failure notice\r\nFrom: MAILER-DAEMON@example.net\r\n\r\n"
                        + "I'm afraid I wasn't able to deliver your message.\r\n" + body).getBytes(StandardCharsets.US_ASCII));
        Bounce b = r.bounce().orElseThrow();
        assertTrue(b.isHard(), "permanent wording: " + b);
    }

    @Test
    void statusCodesAreFoundInText() {
        assertEquals("5.1.1", StatusCode.find("550 5.1.1 <a@b>: unknown").orElseThrow().toString());
        assertTrue(StatusCode.find("from 192.168.4.2.1 and 10.4.2.2").isEmpty(), "IP addresses are not status codes");
        assertEquals("Persistent transient failure: Mailbox full", StatusCode.parse("4.2.2").orElseThrow().meaning());
        assertEquals("Permanent failure: Other or undefined security status", StatusCode.parse("5.7.99").orElseThrow().meaning());
        assertTrue(StatusCode.parse("6.1.1").isEmpty());
    }
}
