package org.tubemail.internal.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.app.TubemailServer;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.queue.MaildirQueue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tubemail sendmail} against a running server (the echo example): SMTP, LMTP on a unix socket, exit codes. */
class SendmailTest {

    @TempDir
    Path home;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private TubemailServer server;
    private int port;

    @BeforeEach
    void project() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(home.resolve("config"));
        String settings = Files.readString(Path.of("config/settings.properties"))
                .replace("receiver.smtp.port=8825", "receiver.smtp.port=" + port) + "\nreceiver.lmtp.socket=run/lmtp.sock\nstorage.kind=memory\nhttp.enabled=false\n";
        Files.writeString(home.resolve("config/settings.properties"), settings);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
        SendmailCommand.stdin = System.in;
    }

    private void startServer() throws Exception {
        server = TubemailServer.configure(Settings.load(home));
        server.start();
    }

    private int sendmail(String stdin, String... args) {
        SendmailCommand.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        String[] all = new String[args.length + 3];
        all[0] = "--home";
        all[1] = home.toString();
        all[2] = "sendmail";
        System.arraycopy(args, 0, all, 3, args.length);
        return TubemailCli.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private List<String> outbox() throws Exception {
        MaildirQueue q = new MaildirQueue(home.resolve("run/outbox"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (q.count() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return q.keys().stream().map(k -> new String(q.get(k).orElseThrow(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void submitsByCronStyleSmtpAndHonoursTheLoneDot() throws Exception {
        startServer();
        int code = sendmail("Subject: nightly report\nFrom: cron@example.org\n\nall good\n.\nthis is after the dot\n", "-f", "cron@example.org",
                "echo@localhost");
        assertEquals(0, code, err.toString());
        List<String> replies = outbox();
        assertEquals(1, replies.size());
        assertTrue(replies.get(0).contains("Delivered-To: cron@example.org"), replies.get(0));
        assertTrue(replies.get(0).contains("all good"), replies.get(0));
        assertFalse(replies.get(0).contains("after the dot"), replies.get(0));
    }

    @Test
    void takesRecipientsFromHeadersWithMinusTAndDropsBcc() throws Exception {
        startServer();
        int code = sendmail("From: Script <script@example.org>\nTo: someone@elsewhere.invalid\nBcc: echo@localhost\nSubject: t\n\n.leading dot kept\n",
                "-t", "-i", "-f", "bounces@example.org");
        // someone@elsewhere.invalid is refused (not an accepted domain): the accepted copy still goes to echo@localhost
        assertEquals(SendmailCommand.EX_NOUSER, code, err.toString());
        assertTrue(err.toString().contains("someone@elsewhere.invalid"), err.toString());
        List<String> replies = outbox();
        assertEquals(1, replies.size());
        // the echo is an automatic reply: it goes to the envelope sender (-f), as RFC 3834 says, not to From:
        assertTrue(replies.get(0).contains("Delivered-To: bounces@example.org"), replies.get(0));
        assertTrue(replies.get(0).contains(".leading dot kept"), replies.get(0));
        assertFalse(replies.get(0).contains("Bcc:"), replies.get(0));
    }

    @Test
    void submitsByLmtpOverTheUnixSocket() throws Exception {
        startServer();
        assertEquals(0, sendmail("Subject: via lmtp\n\nhello\n", "--lmtp", "-f", "lmtp@example.org", "echo@localhost"), err.toString());
        assertTrue(outbox().get(0).contains("Delivered-To: lmtp@example.org"));
        assertEquals(SendmailCommand.EX_NOUSER, sendmail("Subject: x\n\nhello\n", "--lmtp", "nobody@localhost"), err.toString());
        assertTrue(err.toString().contains("550 5.1.1"), err.toString());
    }

    @Test
    void exitCodesWhenNothingCanBeSent() throws Exception {
        assertEquals(SendmailCommand.EX_TEMPFAIL, sendmail("Subject: x\n\nbody\n", "echo@localhost"), "server not running");
        assertTrue(err.toString().contains("is the server running?"), err.toString());
        assertEquals(SendmailCommand.EX_USAGE, sendmail("Subject: x\n\nbody\n"), "no recipients");
        assertEquals(SendmailCommand.EX_USAGE, sendmail("x", "--no-such-option", "a@localhost"));
        startServer();
        assertEquals(SendmailCommand.EX_NOUSER, sendmail("Subject: x\n\nbody\n", "nobody@localhost"));
        assertTrue(err.toString().contains("550"), err.toString());
    }
}
