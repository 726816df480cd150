package org.tubemail.internal.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.app.TubemailServer;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.http.FlakyHandler;
import org.tubemail.support.Shell;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code status}, {@code routes} and {@code queue} ask a running server through its API (live
 * uptime, the states the server holds in its locked MapDB file), and read the files once it stops.
 */
class CliApiTest {

    @TempDir
    Path home;

    private String run(String... args) {
        CliRun r = CliRun.of(home, args);
        return r.code() + "\n" + r.out() + r.err();
    }

    @Test
    void commandsAskTheRunningServerAndFallBackToFiles() throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/settings.properties"), String.join("\n",
                "receiver.smtp.port=0", "http.port=" + Shell.freePort(), "receiver.accepted.domains=localhost", "route.default.host=localhost",
                "handlers=" + FlakyHandler.class.getName(), "handler.timeout.seconds=0", ""));
        FlakyHandler.FAIL.set(true);
        TubemailServer server = TubemailServer.configure(Settings.load(home));
        server.start();
        RunFiles files = new RunFiles(home);
        files.writePid(ProcessHandle.current().pid()); // this JVM is the running server
        try {
            try (org.tubemail.support.SmtpClient c = new org.tubemail.support.SmtpClient(server.smtpPort())) {
                c.begin("bob@example.org");
                c.cmd("RCPT TO:<flaky@localhost>");
                c.cmd("DATA");
                assertTrue(c.cmd("Subject: cli\r\n\r\nx\r\n.").startsWith("250"));
                c.cmd("QUIT");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (server.router().undeliverableQueue().count() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(25);
            }
            String status = run("status");
            assertTrue(status.startsWith("0\nrunning, pid " + ProcessHandle.current().pid() + ", up "), status);
            assertTrue(status.contains("HTTP 127.0.0.1:" + server.httpPort()), status);
            assertTrue(status.contains("state storage mapdb: ok"), status);
            assertTrue(status.matches("(?s).*queue undeliverable +1\\n.*"), status);

            String explain = run("routes", "flaky@localhost", "--sender", "bob@example.org");
            assertTrue(explain.contains("state=ERROR key=bob@example.org"), "the state the running server holds: " + explain);
            assertTrue(run("routes").contains("flaky@(host)"));

            String list = run("queue", "undeliverable", "list");
            assertTrue(list.contains("<bob@example.org> -> [flaky@localhost]  \"cli\"  [") && list.contains("told to fail"), list);
            String key = list.split("\n")[1].split(" ")[0];
            assertTrue(run("queue", "undeliverable", "show", key).contains("Subject: cli"));
            assertTrue(run("queue", "undeliverable", "show", "nope").contains("no message 'nope' in undeliverable"));
        } finally {
            server.stop(Duration.ofSeconds(5));
            files.removePid();
        }
        String stopped = run("status");
        assertTrue(stopped.startsWith("3\nnot running"), stopped);
        assertTrue(run("routes", "flaky@localhost", "--sender", "bob@example.org").contains("state=ERROR"), "read from the state file");
        assertTrue(run("queue", "undeliverable").startsWith("0\n1"));
    }
}
