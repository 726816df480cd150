package org.tubemail.internal.queue;

import org.junit.jupiter.api.Test;
import org.tubemail.mail.Envelope;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class EnvelopeHeadersTest {

    @Test
    void controlAndLineSeparatorCharactersBecomeSpacesInTheEnvelopeLines() {
        Envelope env = new Envelope("1.2.3.4:5", "a\u2028X-Evil: 1@example.org", List.of("b\u0085c@example.com", "d\u2029\r\ne@example.com"));
        byte[] wrapped = EnvelopeHeaders.wrap(env, "reason\u009bwith\u2028breaks", "Subject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8));
        String text = new String(wrapped, StandardCharsets.UTF_8);
        for (char c : new char[] {'\u2028', '\u2029', '\u0085', '\u009b'}) {
            assertFalse(text.indexOf(c) >= 0, "raw U+" + Integer.toHexString(c) + " in " + text);
        }
        EnvelopeHeaders.Unwrapped u = EnvelopeHeaders.unwrap(wrapped);
        assertEquals("a X-Evil: 1@example.org", u.envelope().orElseThrow().mailFrom());
        assertEquals(List.of("b c@example.com", "d   e@example.com"), u.envelope().orElseThrow().recipients());
        assertEquals("reason with breaks", u.reason());
        assertEquals("Subject: s\r\n\r\nbody\r\n", new String(u.message(), StandardCharsets.UTF_8));
    }
}
