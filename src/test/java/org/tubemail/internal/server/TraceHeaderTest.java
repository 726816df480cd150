package org.tubemail.internal.server;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceHeaderTest {

    @Test
    void goesOnTopOfTheMessageAsOneFoldedHeader() {
        byte[] out = TraceHeader.prepend("mx.example.org", "192.0.2.7", "tube.example.com", "ESMTP", null, "abc123",
                "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        String text = new String(out, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("Received: from mx.example.org ([192.0.2.7])\r\n\tby tube.example.com (Tubemail) with ESMTP id abc123;\r\n\t"),
                text);
        assertTrue(text.endsWith("\r\nSubject: hi\r\n\r\nbody\r\n"), text);
        String[] lines = text.split("\r\n");
        assertTrue(lines[1].startsWith("\t") && lines[2].startsWith("\t"), "continuation lines are folded");
        assertTrue(lines[2].matches("\t\\w{3}, \\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}"), lines[2]);
    }

    @Test
    void clientTextCannotAddHeadersOrBreakTheClause() {
        String line = new String(TraceHeader.line("evil\r\nBcc: x@y (a; b) [c]", "198.51.100.1", "h", "LMTP", null, ""),
                StandardCharsets.US_ASCII);
        assertEquals(3, line.split("\r\n").length, line);
        assertTrue(line.startsWith("Received: from evil__Bcc:_x@y__a__b___c_ ([198.51.100.1])\r\n\tby h (Tubemail) with LMTP;\r\n"),
                line);
    }

    @Test
    void unicodeLineSeparatorsInTheHeloNameAreReplaced() {
        String line = new String(TraceHeader.line("a\u2028b\u2029c\u0085d\u009be", "192.0.2.1", "h", "SMTP", null, ""), StandardCharsets.UTF_8);
        assertTrue(line.startsWith("Received: from a_b_c_d_e ([192.0.2.1])\r\n"), line);
    }
}
