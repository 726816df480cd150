package org.tubemail.internal.cli;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.mail.Envelope;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line, run in-process with captured output. */
class CliTest {

    @TempDir
    Path home;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void project() throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.copy(Path.of("config/settings.properties"), home.resolve("config/settings.properties"));
    }

    private int run(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = home.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return TubemailCli.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void routesListsTheTableAndExplainsAnAddress() {
        assertEquals(0, run("routes"));
        assertTrue(out.toString().contains("echo@(host)") && out.toString().contains("EchoHandler.echo"), out.toString());
        assertEquals(0, run("routes", "echo@localhost", "--sender", "bob@example.org"));
        assertTrue(out.toString().contains("RUNS"), out.toString());
        assertEquals(0, run("routes", "ECHO@LocalHost", "--sender", "bob@example.org"));
        assertTrue(out.toString().contains("EchoHandler.echo") && out.toString().lines().filter(l -> l.contains("RUNS")).count() == 2,
                "an address typed in capitals reaches the same method: " + out);
        assertEquals(1, run("routes", "nobody@localhost"));
        assertTrue(out.toString().contains("no route matches <nobody@localhost>"), out.toString());
    }

    @Test
    void configPrintsEffectiveSettingsWithSourcesAndMasksSecrets() throws Exception {
        Path settings = home.resolve("config/settings.properties");
        Files.writeString(settings, Files.readString(settings).replace("\nrelay.password=\n", "\nrelay.password=hunter2hunter2\n")
                .replace("\nhttp.token=\n", "\nhttp.token=${env:TUBEMAIL_TEST_UNSET_TOKEN}\n")
                .replace("\nstorage.postgres.url=\n", "\nstorage.postgres.url=jdbc:postgresql://db.example.com/mail?user=tm&password=pgs3cret\n")
                + "forward.http.hook=https://app.example.com/in#mail\nforward.http.hook.secret=0123456789abcdef\napp.shop.token=t0ken\napp.shop.owner=ann\n");
        assertEquals(0, run("config"), err.toString());
        String text = out.toString();
        assertTrue(text.contains("receiver.smtp.port=8825") && line(text, "receiver.smtp.port=").endsWith("[config/settings.properties]"), text);
        assertTrue(line(text, "receiver.client.max.sessions=").startsWith("receiver.client.max.sessions=50"), text);
        assertTrue(line(text, "relay.password=").startsWith("relay.password=******** "), text);
        assertTrue(line(text, "forward.http.hook.secret=").startsWith("forward.http.hook.secret=********"), text);
        assertTrue(line(text, "forward.http.hook=").startsWith("forward.http.hook=https://app.example.com/in#mail"), text);
        assertTrue(line(text, "forward.http.hook.route=").startsWith("forward.http.hook.route=hook@(host)")
                && line(text, "forward.http.hook.route=").endsWith("[default]"), "a family in use is shown whole: " + text);
        assertTrue(line(text, "app.shop.token=").startsWith("app.shop.token=********") && line(text, "app.shop.owner=").startsWith("app.shop.owner=ann"), text);
        assertTrue(line(text, "http.token=").contains("(unset: environment variable TUBEMAIL_TEST_UNSET_TOKEN is not set)")
                && line(text, "http.token=").endsWith("[environment TUBEMAIL_TEST_UNSET_TOKEN (config/settings.properties)]"), text);
        assertTrue(line(text, "dns.timeout.seconds=").endsWith("[config/settings.properties]") && line(text, "receiver.queue.poll.seconds=").endsWith("[default]"), text);
        assertTrue(line(text, "storage.postgres.url=").startsWith("storage.postgres.url=jdbc:postgresql://db.example.com/mail?user=tm&password=******** "),
                "a JDBC URL's password is masked, the rest shown: " + text);
        assertTrue(!text.contains("hunter2") && !text.contains("0123456789abcdef") && !text.contains("t0ken") && !text.contains("pgs3cret"), text);
        assertEquals(0, run("config", "--keys"));
        assertTrue(out.toString().contains("relay.dkim.DOMAIN.key") && out.toString().contains("receiver.tls.required"), out.toString());
    }

    @Test
    void aMisspelledKeyStopsEveryCommandNamingTheNearestKey() throws Exception {
        Path settings = home.resolve("config/settings.properties");
        Files.writeString(settings, Files.readString(settings) + "receiver.smtp.prot=8925\n");
        assertEquals(2, run("routes"));
        assertTrue(err.toString().contains("config/settings.properties: receiver.smtp.prot: unknown setting; did you mean receiver.smtp.port?"),
                err.toString());
        Files.writeString(settings, Files.readString(settings).replace("receiver.smtp.prot=8925\n", "receiver.tls.required=true # on the internet\n"));
        assertEquals(2, run("config"));
        assertTrue(err.toString().contains("receiver.tls.required = 'true # on the internet': a .properties file has no trailing comments"),
                err.toString());
    }

    private static String line(String text, String start) {
        return text.lines().filter(l -> l.startsWith(start)).findFirst().orElse("").trim();
    }

    @Test
    void queueRunRoutesAMaildirOnceAndExits() throws Exception {
        MaildirQueue incoming = new MaildirQueue(home.resolve("incoming"));
        incoming.push(("Return-Path: <bob@example.org>\r\nDelivered-To: echo@localhost\r\nFrom: bob@example.org\r\n"
                + "Subject: via cron\r\n\r\nhello\r\n").getBytes());
        incoming.push(EnvelopeHeaders.wrap(Envelope.of("ann@example.org", "ECHO@localhost"), "", "Subject: too\r\n\r\nhi\r\n".getBytes()));
        assertEquals(0, run("queue-run", "incoming"), err.toString());
        assertTrue(out.toString().contains("took 2 message(s) from " + home.resolve("incoming")), out.toString());
        assertEquals(0, incoming.count());
        assertEquals(2, new MaildirQueue(home.resolve("run/outbox")).count(), "the echo handler answered both");
        assertEquals(1, run("queue-run", "nowhere"));
        assertTrue(err.toString().contains("is not a maildir"), err.toString());
    }

    @Test
    void queueCountListShowClear() {
        MaildirQueue q = new MaildirQueue(home.resolve("run/undeliverable"));
        String key = q.push(EnvelopeHeaders.wrap(Envelope.of("bob@example.org", "x@localhost"), "no route matches <x@localhost>",
                "Subject: lost\r\n\r\nbody\r\n".getBytes()));
        assertEquals(0, run("queue", "undeliverable"));
        assertEquals("1", out.toString().trim());
        assertEquals(0, run("queue", "undeliverable", "list"));
        assertTrue(out.toString().contains(key + "  <bob@example.org> -> [x@localhost]  \"lost\"  [no route matches <x@localhost>]"),
                out.toString());
        assertEquals(0, run("queue", "undeliverable", "show", key));
        assertTrue(out.toString().contains("Subject: lost"));
        assertEquals(0, run("queue", "undeliverable", "clear"));
        assertEquals(0, q.count());
        assertEquals(1, run("queue", "undeliverable", "frob"));
        assertTrue(err.toString().contains("unknown action 'frob'"), err.toString());
    }

    @Test
    void theSharedSpoolIsNeverPoppedOrClearedFromTheCommandLine() throws Exception {
        Files.writeString(home.resolve("config/settings.properties"), "\nqueue.spool.kind=postgres\n", java.nio.file.StandardOpenOption.APPEND);
        for (String action : new String[]{"pop", "clear"}) {
            assertEquals(1, run("queue", "spool", action));
            assertTrue(err.toString().contains("shared by every server") && err.toString().contains(action + " is refused"), err.toString());
        }
    }

    @Test
    void sendAndBlastToARealServer() throws Exception {
        GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        try {
            int port = greenMail.getSmtp().getPort();
            assertEquals(0, run("send", "--from", "bob@example.org", "--to", "ann@example.com", "--subject", "via send",
                    "--port", String.valueOf(port)));
            assertTrue(out.toString().startsWith("250"), out.toString());
            MaildirQueue dir = new MaildirQueue(home.resolve("some-maildir"));
            dir.push(EnvelopeHeaders.wrap(Envelope.of("a@example.org", "one@example.com", "two@example.com"), "",
                    "Subject: one\r\n\r\nx\r\n".getBytes()));
            dir.push("Return-Path: <c@example.org>\r\nTo: three@example.com\r\nSubject: two\r\n\r\ny\r\n".getBytes());
            assertEquals(0, run("blast", "some-maildir", "--port", String.valueOf(port)));
            assertTrue(out.toString().contains("sent 2, failed 0"), out.toString());
            assertEquals(4, greenMail.getReceivedMessages().length, "send + 2 recipients + 1");
        } finally {
            greenMail.stop();
        }
    }

    @Test
    void logServerStoresEveryMessageForAnyAddress() throws Exception {
        MaildirQueue logged = new MaildirQueue(home.resolve("run/logged"));
        var server = LogCommand.startLogServer(home, "127.0.0.1", 0, logged);
        try {
            assertEquals(0, run("send", "--from", "bob@example.org", "--to", "anyone@anywhere.example,second@else.example",
                    "--subject", "log me", "--port", String.valueOf(server.port())));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (logged.count() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(200);
            assertEquals(1, logged.count(), "stored once, with every recipient in its envelope");
            EnvelopeHeaders.Unwrapped u = EnvelopeHeaders.unwrap(logged.get(logged.keys().get(0)).orElseThrow());
            assertEquals(java.util.List.of("anyone@anywhere.example", "second@else.example"), u.envelope().orElseThrow().recipients());
        } finally {
            server.stop(java.time.Duration.ofSeconds(5));
        }
    }

    @Test
    void errorsAreOneLineWithoutStackTrace() {
        assertEquals(1, run("send", "--from", "bob@example.org", "--to", "ann@example.com", "--port", "1"));
        assertTrue(err.toString().startsWith("tubemail send: sending to 127.0.0.1:1 failed"), err.toString());
        assertTrue(!err.toString().contains("\tat "), err.toString());
        assertEquals(2, TubemailCli.run(new String[]{"--home", home.resolve("nowhere").toString(), "status"},
                new PrintWriter(out, true), new PrintWriter(err, true)));
        assertTrue(err.toString().contains("configuration error"), err.toString());
    }

    @Test
    void aRefusedRecipientIsReportedOnOneLine() throws Exception {
        Exception refused = new jakarta.mail.SendFailedException("Invalid Addresses",
                new org.eclipse.angus.mail.smtp.SMTPAddressFailedException(new jakarta.mail.internet.InternetAddress("x@example.com"),
                        "RCPT", 550, "550 5.1.1 <x@example.com>: no such user\n"));
        assertEquals("Invalid Addresses (550 5.1.1 <x@example.com>: no such user)", SendCommand.rootMessage(refused));
    }

    @Test
    void graphDrawsTheMailingListsStateMachine() throws Exception {
        Path settings = home.resolve("config/settings.properties");
        Files.writeString(settings, Files.readString(settings).replace("\nhandlers=org.tubemail.examples.echo.EchoHandler\n",
                "\nhandlers=org.tubemail.examples.echo.EchoHandler,org.tubemail.examples.mailinglist.MailingListHandler\n"));
        assertEquals(0, run("graph"), err.toString());
        String graph = out.toString();
        assertTrue(graph.startsWith("%% mailinglist\nstateDiagram-v2\n    [*] --> START\n"), graph);
        assertTrue(graph.contains("    START --> CONFIRMING : "), graph);
        assertTrue(!graph.contains("EchoHandler"), "a module without states is not drawn: " + graph);
        assertEquals(1, run("graph", "Nothing"));
        assertTrue(err.toString().contains("no module named 'Nothing'; modules: ["), err.toString());
    }

    @Test
    void queueWithoutArgumentsAsksOnlyForTheQueue() {
        assertEquals(2, run("queue"));
        assertTrue(err.toString().contains("Missing required parameter: 'QUEUE'"), err.toString());
        assertTrue(!err.toString().contains("ACTION'"), err.toString());
    }

    @Test
    void statusSaysWhenTheStateDatabaseIsAway() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Files.writeString(home.resolve("config/settings.properties"), "storage.kind=postgres\n"
                + "storage.postgres.url=jdbc:postgresql://127.0.0.1:" + closed + "/tubemail\nstorage.postgres.user=u\n"
                + "storage.postgres.password=secret\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(3, run("status"));
        String said = out.toString();
        assertTrue(said.contains("state storage postgres: UNAVAILABLE") && said.contains("127.0.0.1:" + closed), said);
        assertTrue(!said.contains("secret"), said);
    }

    @Test
    void statusWhenNotRunning() {
        assertEquals(3, run("status"));
        assertTrue(out.toString().startsWith("not running"), out.toString());
    }
}
