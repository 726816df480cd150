package org.tubemail.internal.hostile;

import jakarta.mail.Header;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailParseException;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.MailResponse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every corpus message goes through parsing, every accessor and a reply that copies its values,
 * with no exception but {@link MailParseException}, no hang, and no header injected into the reply.
 */
class MimeCorpusTest {

    static List<Path> corpus() {
        List<Path> files = Corpus.files();
        assertTrue(files.size() >= 200, "the corpus holds " + files.size() + " files");
        return files;
    }

    /** Reads everything a handler may read; returns the request, or null when unparseable. */
    static MailRequest exercise(byte[] raw) {
        MailRequest r;
        try {
            r = MailRequest.parse(Envelope.of("sender@example.org", "list@example.com"), raw);
        } catch (MailParseException e) {
            assertFalse(e.getMessage().isBlank());
            return null;
        }
        r.subject();
        r.messageId();
        r.text();
        r.html();
        r.attachments().forEach(a -> a.size());
        r.defects();
        r.isBounce();
        r.bounce();
        r.fromHeader();
        r.addressHeader("Reply-To");
        r.headers("Received");
        return r;
    }

    private static final Set<String> REPLY_HEADERS = Set.of("Date", "From", "To", "Message-ID", "Subject", "In-Reply-To", "References",
            "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "X-Copied");

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void parsedAndAnsweredSafely(Path file) {
        byte[] raw = Corpus.read(file);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            MailRequest r = exercise(raw);
            if (r == null) {
                return;
            }
            MailResponse reply;
            try {
                reply = MailResponse.replyTo(r);
            } catch (IllegalArgumentException e) {
                // no usable reply address in the message: a handler must fall back, e.g. to the envelope sender
                reply = MailResponse.to(r.from());
            }
            reply.from("robot@example.com").text("You wrote: " + r.text()).header("X-Copied", r.subject() + " " + r.html());
            MimeMessage built = reply.toMimeMessage();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            built.writeTo(out);
            MimeMessage back = new MimeMessage(MailRequest.session(), new ByteArrayInputStream(out.toByteArray()));
            Set<String> names = new TreeSet<>();
            for (Header h : Collections.list(back.getAllHeaders())) {
                names.add(h.getName());
            }
            assertTrue(REPLY_HEADERS.containsAll(names), "unexpected headers in the reply: " + names);
            assertEquals(1, back.getHeader("To").length);
        });
    }

    @Test
    void tenThousandPartsAreCutAtTheLimitQuickly() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            MailRequest r = exercise(Corpus.manyParts(10_000));
            assertTrue(r.defects().stream().anyMatch(d -> d.contains("MIME parts")), r.defects().toString());
            assertEquals("part 0", r.text().trim());
        });
    }

    @Test
    void thousandDeepNestingIsCutAtTheLimitWithoutStackOverflow() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            MailRequest r = exercise(Corpus.nested(1_000));
            assertTrue(r.defects().stream().anyMatch(d -> d.contains("nested deeper")), r.defects().toString());
        });
    }

    @Test
    void headerInjectionFromEveryCorpusSubjectIsNeutralised() {
        List<String> offenders = new ArrayList<>();
        for (Path file : corpus()) {
            MailRequest r = exercise(Corpus.read(file));
            if (r != null && r.subject().matches("(?s).*[\\r\\n].*")) {
                MimeMessage m = MailResponse.to("bob@example.org").from("robot@example.com").subject(r.subject()).toMimeMessage();
                try {
                    if (m.getHeader("Bcc") != null || m.getHeader("X-Injected") != null) {
                        offenders.add(file.getFileName().toString());
                    }
                } catch (jakarta.mail.MessagingException e) {
                    offenders.add(file.getFileName() + ": " + e.getMessage());
                }
            }
        }
        assertEquals(List.of(), offenders);
    }
}
