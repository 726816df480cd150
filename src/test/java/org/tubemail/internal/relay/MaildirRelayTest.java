package org.tubemail.internal.relay;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.handler.Relay;
import org.tubemail.handler.RelayException;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.mail.MailResponse;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaildirRelayTest {

    @TempDir
    Path dir;

    private static MimeMessage parse(byte[] b) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(b));
    }

    @Test
    void writesOneReadableMessagePerEnvelopeRecipient() throws Exception {
        Path mail = dir.resolve("run/mail");
        Relay relay = new MaildirRelay(mail);
        MimeMessage m = MailResponse.to("bob@example.org").from("help@example.com").subject("Re: hi").text("answer").toMimeMessage();
        relay.deliver(m, "bounces@example.com", List.of("bob@example.org", "hidden@example.net"));

        MaildirQueue box = new MaildirQueue(mail);
        List<String> keys = box.keys();
        assertEquals(2, keys.size());
        List<String> deliveredTo = new ArrayList<>();
        for (String key : keys) {
            MimeMessage read = parse(box.get(key).orElseThrow());
            assertEquals("<bounces@example.com>", read.getHeader("Return-Path", null));
            deliveredTo.add(read.getHeader("Delivered-To", null));
            assertEquals("Re: hi", read.getSubject());
            assertEquals("answer", read.getContent().toString().trim());
            assertEquals("bob@example.org", read.getHeader("To", null));
        }
        assertEquals(List.of("bob@example.org", "hidden@example.net"), deliveredTo);
        assertEquals(List.of(), listing(mail.resolve("tmp")));
    }

    @Test
    void lineSeparatorsInEnvelopeAddressesNeverReachTheTraceHeadersRaw() throws Exception {
        Path mail = dir.resolve("mail");
        MimeMessage m = MailResponse.to("bob@example.org").from("help@example.com").subject("s").text("t").toMimeMessage();
        new MaildirRelay(mail).deliver(m, "a\u2028Injected: x@example.com", List.of("b\u0085c\u2029d\u009b@example.org"));
        String stored = new String(new MaildirQueue(mail).pop().orElseThrow().message(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(stored.startsWith("Return-Path: <aInjected:x@example.com>\r\nDelivered-To: bcd@example.org\r\n"), stored);
    }

    @Test
    void sendUsesTheResponsesFromAndRecipientsAndKeepsTheBytes() throws Exception {
        Path mail = dir.resolve("mail");
        MailResponse r = MailResponse.to("ann@example.org").from("list@example.com").subject("s").text("t");
        new MaildirRelay(mail).send(r);
        MaildirQueue box = new MaildirQueue(mail);
        byte[] stored = box.pop().orElseThrow().message();
        String head = "Return-Path: <list@example.com>\r\nDelivered-To: ann@example.org\r\n";
        assertTrue(new String(stored, java.nio.charset.StandardCharsets.UTF_8).startsWith(head));
        MimeMessage read = parse(stored);
        assertEquals("s", read.getSubject());
        assertEquals(0, box.count());
    }

    @Test
    void theNullSenderAndHostileAddressesStayOnOneLine() throws Exception {
        Path mail = dir.resolve("mail");
        MimeMessage m = MailResponse.to("bob@example.org").from("x@example.com").subject("bounce").text("b").toMimeMessage();
        new MaildirRelay(mail).deliver(m, "", List.of("bob@example.org\r\nBcc: evil@example.net"));
        MimeMessage read = parse(new MaildirQueue(mail).pop().orElseThrow().message());
        assertEquals("<>", read.getHeader("Return-Path", null));
        assertArrayEquals(new String[]{"bob@example.orgBcc:evil@example.net"}, read.getHeader("Delivered-To"));
        assertEquals(null, read.getHeader("Bcc"));
    }

    @Test
    void aFolderThatCannotBeWrittenIsARelayExceptionNamingItAndTheRecipients() throws Exception {
        Path mail = dir.resolve("mail");
        Relay relay = new MaildirRelay(mail);
        Files.delete(mail.resolve("tmp"));
        Files.writeString(mail.resolve("tmp"), "in the way");
        MimeMessage m = MailResponse.to("bob@example.org").from("x@example.com").subject("s").text("t").toMimeMessage();
        RelayException e = assertThrows(RelayException.class, () -> relay.deliver(m, "x@example.com", List.of("bob@example.org")));
        assertTrue(e.getMessage().contains(mail.resolve("tmp").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("bob@example.org"), e.getMessage());
    }

    private static List<String> listing(Path folder) throws Exception {
        try (var s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
