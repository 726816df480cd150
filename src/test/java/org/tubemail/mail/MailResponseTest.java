package org.tubemail.mail;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailResponseTest {

    private static MailRequest sent(MailResponse r) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.toMimeMessage().writeTo(out);
        return MailRequest.parse(Envelope.of("x@example.com", "y@example.com"), out.toByteArray());
    }

    @Test
    void replyThreadsAndPrefixesOnce() throws Exception {
        MailRequest in = MailRequest.parse(Envelope.of("env@example.org", "list@example.com"), ("From: Bob <bob@example.org>\r\n"
                + "Reply-To: replies@example.org\r\nSubject: Re: plans\r\nMessage-ID: <2@example.org>\r\nReferences: <1@example.org>\r\n\r\nx\r\n")
                .getBytes(StandardCharsets.UTF_8));
        MailRequest out = sent(MailResponse.replyTo(in).from("list@example.com").text("ok"));
        assertEquals("Re: plans", out.subject());
        assertEquals("replies@example.org", ((InternetAddress) out.message().getRecipients(MimeMessage.RecipientType.TO)[0]).getAddress());
        assertEquals("<2@example.org>", out.header("In-Reply-To").orElseThrow());
        assertEquals("<1@example.org> <2@example.org>", out.header("References").orElseThrow());
    }

    @Test
    void nonAsciiSubjectNamesAndHeadersAreEncodedAndComeBack() throws Exception {
        MailResponse r = MailResponse.to("J\u00fcrgen M\u00fcller <j@example.org>").from("robot@example.com", "R\u00f6b\u00f6t \u2603")
                .subject("\u00e9t\u00e9 \u2014 \u65e5\u672c").header("X-Note", "na\u00efve").text("caf\u00e9");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.toMimeMessage().writeTo(out);
        String wire = out.toString(StandardCharsets.ISO_8859_1);
        for (String line : wire.split("\r\n\r\n", 2)[0].split("\r\n")) {
            assertTrue(line.chars().allMatch(c -> c < 128), "header line not 7-bit: " + line);
        }
        MailRequest back = sent(r);
        assertEquals("\u00e9t\u00e9 \u2014 \u65e5\u672c", back.subject());
        assertEquals("R\u00f6b\u00f6t \u2603", back.fromHeader().get(0).getPersonal());
        assertEquals("na\u00efve", back.header("X-Note").orElseThrow());
        assertEquals("caf\u00e9", back.text().trim());
    }

    @Test
    void lineBreaksCannotInjectHeaders() throws Exception {
        MailResponse r = MailResponse.to("bob@example.org").from("robot@example.com")
                .subject("hi\r\nBcc: victim@example.net").header("X-Copied", "a\nBcc: victim@example.net\r\n\r\nbody?").text("t");
        MimeMessage m = new MimeMessage(MailRequest.session(), new ByteArrayInputStream(toBytes(r)));
        assertNull(m.getHeader("Bcc"));
        assertEquals("hi Bcc: victim@example.net", m.getSubject());
        assertThrows(IllegalArgumentException.class, () -> MailResponse.to("bob@example.org\r\nBcc: v@example.net"));
        assertThrows(IllegalArgumentException.class, () -> MailResponse.to("b@example.org").header("Bad\r\nName", "x"));
        assertThrows(IllegalArgumentException.class, () -> MailResponse.to("no-domain"));
    }

    @Test
    void alternativeAndAttachments() throws Exception {
        MailRequest back = sent(MailResponse.to("bob@example.org").cc("ann@example.org").from("robot@example.com")
                .text("plain").html("<b>rich</b>").attach("r\u00e9sum\u00e9.txt", "text/plain", "hello".getBytes()));
        assertEquals("plain", back.text().trim());
        assertEquals("<b>rich</b>", back.html().trim());
        assertEquals(1, back.attachments().size());
        assertEquals("r\u00e9sum\u00e9.txt", back.attachments().get(0).fileName());
        assertEquals(List.of("bob@example.org", "ann@example.org"),
                MailResponse.to("bob@example.org").cc("ann@example.org").recipients());
    }

    @Test
    void incompleteResponsesSayWhatIsMissing() {
        assertThrows(IllegalStateException.class, () -> MailResponse.to("bob@example.org").toMimeMessage());
    }

    private static byte[] toBytes(MailResponse r) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.toMimeMessage().writeTo(out);
        return out.toByteArray();
    }
}
