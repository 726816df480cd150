package org.tubemail.internal.mail;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Header decoding as robust as Salmon's: its own cases, split characters, unknown and wrong charsets. */
class HeaderDecodingTest {

    private static MailRequest message(byte[] headerBlock) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes(headerBlock);
        raw.writeBytes("From: <bob@example.org>\r\nTo: <list@example.com>\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        return MailRequest.parse(Envelope.of("bob@example.org", "list@example.com"), raw.toByteArray());
    }

    private static MailRequest message(String headerLines) {
        return message(headerLines.getBytes(StandardCharsets.UTF_8));
    }

    /** The cases of {@code salmon-bad-headers.txt}: each Subject block, folded as written, and its expected value. */
    @TestFactory
    List<DynamicTest> salmonsBadHeadersAllDecode() throws IOException {
        String file;
        try (InputStream in = HeaderDecodingTest.class.getResourceAsStream("salmon-bad-headers.txt")) {
            file = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (String block : file.split("\\n\\s*\\n")) {
            StringBuilder header = new StringBuilder();
            String expected = null;
            String name = null;
            for (String line : block.split("\\n")) {
                if (line.startsWith("#")) {
                    name = line.substring(1).trim();
                } else if (line.startsWith("Expect: ")) {
                    expected = line.substring("Expect: ".length());
                } else if (!line.isEmpty()) {
                    header.append(line).append("\r\n");
                }
            }
            if (expected == null) {
                continue; // the file's introduction
            }
            String want = expected;
            tests.add(DynamicTest.dynamicTest(name, () -> {
                String got = message(header.toString()).subject();
                assertFalse(got.contains("=?") || got.contains("?="), "left encoded: " + got);
                assertFalse(got.indexOf('\uFFFD') >= 0, "a character was lost: " + got);
                assertEquals(want, got);
            }));
        }
        assertEquals(11, tests.size(), "every case of Salmon's BAD_HEADERS");
        return tests;
    }

    @Test
    void aCharacterSplitBetweenTwoEncodedWordsIsWhole() {
        // the euro sign is E2 82 AC: two bytes in the first word, one in the second
        assertEquals("price: 5 €", message("Subject: price: 5 =?utf-8?B?4oI=?= =?utf-8?B?rA==?=\r\n").subject());
        assertEquals("Grüße", message("Subject: =?utf-8?Q?Gr=C3?=\r\n =?utf-8?Q?=BC=C3=9Fe?=\r\n").subject());
        // words of different charsets are decoded each on its own; the space between encoded words goes
        assertEquals("caféñ", message("Subject: =?iso-8859-1?Q?caf=E9?= =?utf-8?Q?=C3=B1?=\r\n").subject());
        // text between encoded words stays
        assertEquals("a é b", message("Subject: a =?iso-8859-1?Q?=E9?= b\r\n").subject());
    }

    @Test
    void sevenBitCharsetsAreDecodedInTheirCharset() {
        byte[] iso2022 = "日本語の件名".getBytes(Charset.forName("ISO-2022-JP"));
        assertEquals("日本語の件名", message("Subject: =?ISO-2022-JP?B?" + java.util.Base64.getEncoder().encodeToString(iso2022)
                + "?=\r\n").subject());
    }

    @Test
    void anUnknownCharsetIsDetected() {
        byte[] japanese = "日本語のメールです".getBytes(Charset.forName("Shift_JIS"));
        String word = "=?x-unknown?B?" + java.util.Base64.getEncoder().encodeToString(japanese) + "?=";
        assertEquals("日本語のメールです", message("Subject: " + word + "\r\n").subject());
    }

    @Test
    void aWrongCharsetIsDetected() {
        byte[] russian = "Привет, как дела? Это письмо".getBytes(Charset.forName("windows-1251"));
        String word = "=?utf-8?B?" + java.util.Base64.getEncoder().encodeToString(russian) + "?=";
        assertEquals("Привет, как дела? Это письмо", message("Subject: " + word + "\r\n").subject());
    }

    @Test
    void rawEightBitHeadersThatAreNotUtf8AreDetected() {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes("Subject: ".getBytes(StandardCharsets.US_ASCII));
        header.writeBytes("Привет, как дела? Это письмо".getBytes(Charset.forName("windows-1251")));
        header.writeBytes("\r\nX-Other: =?utf-8?Q?caf=C3=A9?=\r\n".getBytes(StandardCharsets.US_ASCII));
        MailRequest m = message(header.toByteArray());
        assertEquals("Привет, как дела? Это письмо", m.subject());
        assertEquals("café", m.header("X-Other").orElseThrow());
    }

    @Test
    void displayNamesJakartaMailLeavesEncodedAreDecoded() {
        MailRequest m = message("Reply-To: =?utf-8?b?IumrlOiCsuWckuWNgOermSDihpIg6ZW35bqa6Yar6Zmi56uZIOKGkiDmlofljJbk?="
                + " =?utf-8?b?uInot6/nq5kiIA==?= <vgxdrjyci@dns.ht.net.tw>\r\n");
        List<jakarta.mail.internet.InternetAddress> to = m.addressHeader("Reply-To");
        assertEquals(1, to.size());
        assertEquals("vgxdrjyci@dns.ht.net.tw", to.get(0).getAddress());
        assertTrue(to.get(0).getPersonal().contains("文化三路站"), to.get(0).getPersonal());
    }

    @Test
    void aBodyInAnUnknownCharsetIsDetectedAndNoted() {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes(("From: <bob@example.org>\r\nSubject: x\r\nContent-Type: text/plain; charset=x-martian\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        raw.writeBytes("Привет, как дела? Это письмо в кодировке Windows.\r\n".getBytes(Charset.forName("windows-1251")));
        MailRequest m = MailRequest.parse(Envelope.of("bob@example.org", "list@example.com"), raw.toByteArray());
        assertEquals("Привет, как дела? Это письмо в кодировке Windows.", m.text().strip());
        assertTrue(m.defects().stream().anyMatch(d -> d.contains("unknown charset 'x-martian', read as windows-1251")), m.defects().toString());
    }
}
