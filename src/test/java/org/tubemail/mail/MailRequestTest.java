package org.tubemail.mail;

import org.junit.jupiter.api.Test;
import org.tubemail.internal.mail.Addresses;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailRequestTest {

    private static MailRequest parse(String from, String raw, String... to) {
        return MailRequest.parse(new Envelope("192.0.2.1:25000", from, List.of(to)), raw.getBytes(StandardCharsets.UTF_8));
    }

    private static final String MIXED = "From: =?utf-8?q?J=C3=BCrgen?= <j@example.org>\r\n"
            + "To: list@example.com\r\nSubject: =?utf-8?b?w6l0w6kgw6AgUGFyaXM=?=\r\nMessage-ID: <abc@example.org>\r\n"
            + "Content-Type: multipart/mixed; boundary=out\r\n\r\n"
            + "--out\r\nContent-Type: multipart/alternative; boundary=in\r\n\r\n"
            + "--in\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9\r\n"
            + "--in\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>caf\u00e9</p>\r\n--in--\r\n"
            + "--out\r\nContent-Type: application/pdf; name=\"=?utf-8?q?r=C3=A9sum=C3=A9.pdf?=\"\r\nContent-Disposition: attachment\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n--out--\r\n";

    @Test
    void envelopeHeadersBodiesAndAttachments() {
        MailRequest r = parse("J@Example.org", MIXED, "list@example.com", "other@example.com");
        assertEquals("J@Example.org", r.from());
        assertEquals("list@example.com", r.to());
        assertEquals("other@example.com", r.forRecipient("<other@example.com>").to());
        assertEquals(List.of("list@example.com", "other@example.com"), r.recipients());
        assertEquals("192.0.2.1:25000", r.peer());
        assertEquals("\u00e9t\u00e9 \u00e0 Paris", r.subject());
        assertEquals("<abc@example.org>", r.messageId());
        assertEquals("J\u00fcrgen", r.fromHeader().get(0).getPersonal());
        assertEquals("caf\u00e9", r.text().trim());
        assertEquals("<p>caf\u00e9</p>", r.html().trim());
        assertEquals(1, r.attachments().size());
        assertEquals("r\u00e9sum\u00e9.pdf", r.attachments().get(0).fileName());
        assertEquals("application/pdf", r.attachments().get(0).contentType());
        assertArrayEquals("%PDF-1.4".getBytes(StandardCharsets.US_ASCII), r.attachments().get(0).content());
        assertEquals(List.of(), r.defects());
        assertFalse(r.isBounce());
    }

    @Test
    void rawBytesAreKeptExactly() {
        String odd = "Subject:   spaced   \r\nX-Odd:\tvalue\r\n\r\nbody without final newline";
        MailRequest r = parse("a@example.org", odd, "b@example.com");
        assertArrayEquals(odd.getBytes(StandardCharsets.UTF_8), r.raw());
        assertEquals(odd.length(), r.size());
    }

    @Test
    void bouncesAreRecognised() {
        assertTrue(parse("", "Subject: x\r\n\r\nbody\r\n", "b@example.com").isBounce(), "null sender");
        assertTrue(parse("mailer-daemon@example.net", "Subject: failure notice\r\n\r\nx\r\n", "b@example.com").isBounce());
        assertTrue(parse("someone@example.net", "Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n"
                + "--r\r\n\r\nx\r\n--r--\r\n", "b@example.com").isBounce(), "DSN");
        assertTrue(parse("postmaster@example.net", "Subject: Delivery Status Notification\r\n\r\nx\r\n", "b@example.com").isBounce());
        assertFalse(parse("postmaster@example.net", "Subject: hello from the admin\r\n\r\nx\r\n", "b@example.com").isBounce());
        assertFalse(parse("bob@example.org", "Subject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nx\r\n", "b@example.com")
                .isBounce(), "an auto-reply is not a bounce");
    }

    /**
     * The router's questions read their headers from the raw bytes, without the MIME parser: the
     * answers must be the parser's, whatever the header block looks like.
     */
    @Test
    void routingHeadersReadWithoutTheParserMatchTheParser() {
        List<String> heads = List.of(
                "Message-ID:   <folded\r\n\t@example.org>  \r\nContent-Type: multipart/report;\r\n report-type=delivery-status; b=r\r\n",
                "message-id: <lower@example.org>\r\nMESSAGE-ID: <second@example.org>\r\n",
                "Subject: x\rMessage-ID: <after-bare-cr@example.org>\r\nContent-Type: multipart/report; report-type=delivery-status\r\n",
                " Message-ID: <first-line-folded@example.org>\r\n",
                "Message-ID: =?utf-8?q?=3Cencoded@example.org=3E?=\r\n",
                "Message-ID: <caf\u00e9@example.org>\r\nContent-Type: multipart/report; report-type=delivery-status; x=\u00e9\r\n",
                "Message-ID <no colon@example.org>\r\nContent-Type : multipart/REPORT; Report-Type=Delivery-Status\r\n",
                "Subject: lf only\nMessage-ID: <lf@example.org>\n",
                "");
        for (String head : heads) {
            String raw = head + "\r\nbody\r\nMessage-ID: <in-body@example.org>\r\n";
            MailRequest quick = parse("a@example.org", raw, "b@example.com");
            MailRequest parsed = parse("a@example.org", raw, "b@example.com");
            parsed.message(); // parsed first: every header then comes from the parser
            assertEquals(parsed.messageId(), quick.messageId(), head);
            assertEquals(parsed.isBounce(), quick.isBounce(), head);
        }
        assertEquals("<folded\t@example.org>", parse("a@example.org", heads.get(0) + "\r\n", "b@example.com").messageId());
        assertTrue(parse("a@example.org", heads.get(0) + "\r\n", "b@example.com").isBounce());
    }

    @Test
    void missingHeadersReadAsEmpty() {
        MailRequest r = parse("a@example.org", "\r\njust a body\r\n", "b@example.com");
        assertEquals("", r.subject());
        assertEquals("", r.messageId());
        assertEquals(List.of(), r.fromHeader());
        assertTrue(r.header("Subject").isEmpty());
        assertEquals("just a body", r.text().trim());
    }

    @Test
    void addressForms() {
        assertEquals("Bob@example.com", Addresses.forRouting(" <Bob@EXAMPLE.com> "));
        assertEquals("bob@example.com", Addresses.forStateKey("<Bob@Example.COM>"));
        assertEquals("", Addresses.strip("<>"));
        assertEquals("example.com", Addresses.domain("a@b@Example.com"));
        assertEquals("a@b", Addresses.localPart("a@b@example.com"));
    }
}
