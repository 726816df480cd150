package org.tubemail.internal.app;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.handler.Relay;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.cli.TubemailCli;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.smtp.SmtpReceiver;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.MailResponse;
import org.tubemail.support.Dkimpy;
import org.tubemail.support.Dnsmasq;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything the relays send is DKIM-signed with the key {@code bin/tubemail dkim keygen} made, and
 * dkimpy verifies it with the key published by a real dnsmasq: in the maildir relay's outbox, and
 * as received by a real SMTP server after the SMTP relay.
 */
class DkimSigningTest {
    @TempDir
    Path home;

    @BeforeEach
    void project() throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.copy(Path.of("config/settings.properties"), home.resolve("config/settings.properties"));
    }

    /** Runs {@code dkim keygen}, adds the settings it prints, and returns the TXT record it says to publish. */
    private String keygen(String domain, String selector, String... options) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = new String[5 + options.length];
        System.arraycopy(new String[] {"--home", home.toString(), "dkim", "keygen", domain}, 0, args, 0, 5);
        System.arraycopy(options, 0, args, 5, options.length);
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[all.length - 1] = selector;
        assertEquals(0, TubemailCli.run(all, new PrintWriter(out, true), new PrintWriter(err, true)), err.toString());
        String printed = out.toString();
        Path key = home.resolve("config/dkim/" + domain + "." + selector + ".pem");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        Matcher txt = Pattern.compile(Pattern.quote(selector + "._domainkey." + domain + ". IN TXT ") + "(.*)").matcher(printed);
        assertTrue(txt.find(), printed);
        StringBuilder settings = new StringBuilder("\n");
        printed.lines().filter(l -> l.startsWith("relay.dkim.")).forEach(l -> settings.append(l).append('\n'));
        Files.writeString(home.resolve("config/settings.properties"), settings, StandardOpenOption.APPEND);
        return txt.group(1).replaceAll("\"\\s*\"", "").replace("\"", "");
    }

    /** Keeps the raw bytes of every message the SMTP server receives. */
    public static final class Inbox {
        private final List<byte[]> received;

        Inbox(List<byte[]> received) {
            this.received = received;
        }

        @Stateless
        @Route("(user)@example.com")
        public void any(MailRequest msg) {
            received.add(msg.raw());
        }
    }

    private Settings settings(String... extra) {
        Settings s = Settings.load(home);
        for (int i = 0; i < extra.length; i += 2) s = s.with(extra[i], extra[i + 1]);
        return s;
    }

    private static MailResponse reply(String from) {
        return MailResponse.to("bob@example.com").from(from).subject("Welcome to the list")
                .header("List-Id", "<news.example.org>").text("Hello Bob,\n\nyou are subscribed.  \n\n");
    }

    @Test
    void theMaildirRelaySignsWithKeygensKeysAndDkimpyVerifiesTheOutbox() throws Exception {
        String rsa = keygen("example.org", "s1");
        String ed = keygen("example.net", "s2", "--algorithm", "ed25519");
        assertTrue(rsa.startsWith("v=DKIM1; k=rsa; p=") && ed.startsWith("v=DKIM1; k=ed25519; p="), rsa + " / " + ed);
        List<String> signed = new CopyOnWriteArrayList<>();
        Relay relay = Relays.create(settings(), new org.tubemail.internal.monitor.Monitor() {
            @Override
            public void dkimSigned(String domain) {
                signed.add(domain);
            }
        });
        relay.send(reply("list@example.org"));
        relay.send(reply("Alice <alice@lists.example.net>"));
        assertEquals(List.of("example.org", "lists.example.net"), signed, "each signature is reported (tubemail_dkim_signatures_total)");

        MaildirQueue outbox = new MaildirQueue(home.resolve("run/outbox"));
        assertEquals(2, outbox.count());
        try (Dnsmasq dns = Dnsmasq.builder().txt("s1._domainkey.example.org", rsa).txt("s2._domainkey.example.net", ed).start()) {
            for (String key : outbox.keys()) {
                byte[] file = outbox.get(key).orElseThrow();
                String text = new String(file, java.nio.charset.StandardCharsets.ISO_8859_1);
                assertTrue(text.contains("DKIM-Signature: v=1; a=" + (text.contains("example.net") ? "ed25519-sha256" : "rsa-sha256")), text);
                Dkimpy.Result verdict = Dkimpy.verify(file, dns);
                assertTrue(verdict.passed(), verdict.output() + "\n" + text);
            }
        }
    }

    /** A list post keeps the poster's From: (a domain without a key here); the list's envelope domain signs it. */
    @Test
    void mailFromAForeignDomainIsSignedWithTheEnvelopeSendersKey() throws Exception {
        String rsa = keygen("lists.example.org", "s1");
        List<String> signed = new CopyOnWriteArrayList<>();
        Relay relay = Relays.create(settings(), new org.tubemail.internal.monitor.Monitor() {
            @Override
            public void dkimSigned(String domain) {
                signed.add(domain);
            }
        });
        relay.deliver(reply("Alice <alice@poster.example>").toMimeMessage(), "dev-bounce-bob=example.com@lists.example.org", List.of("bob@example.com"));
        relay.deliver(reply("Carl <carl@elsewhere.example>").toMimeMessage(), "carl@elsewhere.example", List.of("bob@example.com"));
        assertEquals(List.of("lists.example.org"), signed, "the post signed by the list's domain, the other unsigned");

        MaildirQueue outbox = new MaildirQueue(home.resolve("run/outbox"));
        try (Dnsmasq dns = Dnsmasq.builder().txt("s1._domainkey.lists.example.org", rsa).start()) {
            for (String key : outbox.keys()) {
                byte[] file = outbox.get(key).orElseThrow();
                String text = new String(file, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (text.contains("alice@poster.example")) {
                    assertTrue(text.contains("d=lists.example.org"), text);
                    Dkimpy.Result verdict = Dkimpy.verify(file, dns);
                    assertTrue(verdict.passed(), verdict.output() + "\n" + text);
                } else {
                    assertTrue(!text.contains("DKIM-Signature"), text);
                }
            }
        }
    }

    @Test
    void theSmtpRelaySignsAndTheSignatureSurvivesTheTrip() throws Exception {
        String rsa = keygen("example.org", "s1");
        List<byte[]> received = new CopyOnWriteArrayList<>();
        Inbox sink = new Inbox(received);
        SmtpReceiver server = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 1_000_000, 10,
                Duration.ofSeconds(10), 10, 2), Router.builder().handlers(sink).build(), new MemoryQueue());
        server.start();
        Relay relay = Relays.create(settings("relay.host", "127.0.0.1", "relay.port", String.valueOf(server.port())));
        try (Dnsmasq dns = Dnsmasq.builder().txt("s1._domainkey.example.org", rsa).start()) {
            relay.send(reply("list@example.org"));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(1, received.size());
            Dkimpy.Result verdict = Dkimpy.verify(received.get(0), dns);
            assertTrue(verdict.passed(), verdict.output());
        } finally {
            if (relay instanceof AutoCloseable c) c.close();
            server.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void aMissingOrUnreadableKeyStopsStartUpNamingFileAndKey() throws Exception {
        ConfigException missing = assertThrows(ConfigException.class, () -> Relays.create(settings(
                "relay.dkim.example.org.selector", "s1", "relay.dkim.example.org.key", "config/dkim/nope.pem")));
        assertTrue(missing.getMessage().contains("relay.dkim.example.org.key = 'config/dkim/nope.pem': cannot read"), missing.getMessage());

        Files.createDirectories(home.resolve("config/dkim"));
        Files.writeString(home.resolve("config/dkim/garbage.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        ConfigException garbage = assertThrows(ConfigException.class, () -> Relays.create(settings(
                "relay.dkim.example.org.selector", "s1", "relay.dkim.example.org.key", "config/dkim/garbage.pem")));
        assertTrue(garbage.getMessage().contains("relay.dkim.example.org.key") && garbage.getMessage().contains("garbage.pem"),
                garbage.getMessage());

        ConfigException noSelector = assertThrows(ConfigException.class, () -> Relays.create(settings(
                "relay.dkim.example.org.key", "config/dkim/garbage.pem")));
        assertTrue(noSelector.getMessage().contains("relay.dkim.example.org.selector"), noSelector.getMessage());
    }
}
