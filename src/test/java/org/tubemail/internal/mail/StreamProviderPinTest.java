package org.tubemail.internal.mail;

import org.junit.jupiter.api.Test;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StreamProviderPinTest {

    @Test
    void parsingPinsAngusAsTheStreamProviderAndTheProviderLoads() throws Exception {
        MailRequest.parse(new Envelope("", "a@example.org", java.util.List.of("b@example.com")),
                "Subject: x\r\n\r\nbody\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(StreamProviderPin.ANGUS, System.getProperty(StreamProviderPin.PROPERTY));
        assertEquals(StreamProviderPin.ANGUS, jakarta.mail.util.StreamProvider.provider().getClass().getName());
    }
}
