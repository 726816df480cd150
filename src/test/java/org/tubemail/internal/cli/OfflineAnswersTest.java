package org.tubemail.internal.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.app.TubemailServer;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.support.Shell;
import org.tubemail.support.SmtpClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code routes}, {@code routes ADDRESS}, {@code status} and {@code queue ... count} say the same
 * with the server stopped (assembled from the settings) and running (asked through its API), and
 * {@code routes ADDRESS} gives the reply the server really gives at {@code RCPT}: for a handler's
 * address, a webhook's, an unknown local one and one in a domain not accepted here.
 */
class OfflineAnswersTest {

    private static final List<String> ADDRESSES = List.of("echo@localhost", "support@localhost", "nobody@localhost", "echo@gmail.com");
    private static final Pattern REPLY = Pattern.compile("the server answers (\\d{3} \\d\\.\\d\\.\\d+)");

    @TempDir
    Path home;

    private String run(String... args) {
        CliRun r = CliRun.of(home, args);
        return r.code() + "\n" + r.out();
    }

    /** What the verbs say about routes and queues, without what differs by nature (notes, uptime, paths, live states). */
    private Map<String, String> answers() {
        Map<String, String> answers = new LinkedHashMap<>();
        answers.put("routes", withoutNotes(run("routes")));
        for (String address : ADDRESSES) {
            String[] said = withoutNotes(run("routes", address)).split("\n");
            Matcher m = REPLY.matcher(said[1]);
            answers.put("routes " + address, "exit " + said[0] + ": " + said[1] + " " + (m.find() ? m.group(1) : "no reply named"));
        }
        List<String> queues = new ArrayList<>();
        for (String line : run("status").split("\n")) {
            if (line.startsWith("queue ")) {
                String[] words = line.trim().split(" +");
                queues.add(words[1] + "=" + words[2]);
            }
        }
        answers.put("status queues", String.join(", ", queues));
        for (String q : queues) {
            String name = q.substring(0, q.indexOf('='));
            answers.put("queue " + name + " count", run("queue", name, "count"));
        }
        return answers;
    }

    private static String withoutNotes(String said) {
        StringBuilder b = new StringBuilder();
        for (String line : said.split("\n")) {
            if (!line.startsWith("(")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    @Test
    void stoppedAndRunningServersAnswerAlike() throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/settings.properties"), String.join("\n",
                "receiver.smtp.port=0", "http.port=" + Shell.freePort(), "receiver.accepted.domains=localhost", "route.default.host=localhost",
                "handlers=org.tubemail.examples.echo.EchoHandler",
                "forward.http.support=http://127.0.0.1:" + Shell.freePort() + "/hook", "forward.http.support.secret=0123456789abcdef",
                "forward.retry.seconds=3600", ""));
        byte[] lost = "From: <a@example.org>\r\nSubject: kept\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
        new MaildirQueue(home.resolve("run/undeliverable")).push(lost);
        new MaildirQueue(home.resolve("run/outbox")).push(lost);

        Map<String, String> before = answers();
        assertTrue(before.get("routes").contains("support@(host)"), "the webhook's route: " + before);
        assertTrue(before.get("routes support@localhost").endsWith("250 2.1.5"), before.toString());
        assertTrue(before.get("routes echo@gmail.com").endsWith("550 5.7.1"), before.toString());
        assertTrue(before.get("routes nobody@localhost").endsWith("550 5.1.1"), before.toString());

        TubemailServer server = TubemailServer.configure(Settings.load(home));
        server.start();
        RunFiles files = new RunFiles(home);
        files.writePid(ProcessHandle.current().pid()); // this JVM is the running server
        Map<String, String> running;
        try {
            try (SmtpClient c = new SmtpClient(server.smtpPort())) {
                c.begin("bob@example.org");
                for (String address : ADDRESSES) {
                    String reply = c.cmd("RCPT TO:<" + address + ">");
                    assertTrue(before.get("routes " + address).endsWith(reply.substring(0, 9)),
                            "routes " + address + " says " + before.get("routes " + address) + "; the server answers " + reply);
                }
                assertTrue(c.cmd("RSET").startsWith("250"));
                assertTrue(c.cmd("MAIL FROM:<bob@example.org>").startsWith("250"));
                assertTrue(c.cmd("RCPT TO:<support@localhost>").startsWith("250"));
                assertTrue(c.cmd("DATA").startsWith("354"));
                assertTrue(c.cmd("Subject: to the webhook\r\n\r\nx\r\n.").startsWith("250"));
                c.cmd("QUIT");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!run("queue", "forward-retry", "count").equals("0\n1\n") && System.nanoTime() < deadline) {
                Thread.sleep(50); // the webhook is down: its message waits for a retry
            }
            running = answers();
            assertTrue(running.get("status queues").contains("forward-retry=1"), running.toString());
        } finally {
            server.stop(Duration.ofSeconds(5));
            files.removePid();
        }
        assertEquals("spool=0, undeliverable=1, outbox=1, forward-retry=1", running.get("status queues"));
        assertEquals(running, answers(), "the stopped server's answers");
        before.remove("status queues");
        before.keySet().removeIf(k -> k.startsWith("queue "));
        running.keySet().retainAll(before.keySet());
        assertEquals(before, running, "routes before the first start");
    }
}
