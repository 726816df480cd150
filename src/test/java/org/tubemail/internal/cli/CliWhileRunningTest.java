package org.tubemail.internal.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command-line verb against a server running in another process (MapDB states and a log
 * spool, both held by that server), then again once it has stopped.
 */
class CliWhileRunningTest {

    @TempDir
    Path home;

    private Process server;
    private int port;
    private String out;
    private String err;

    private int run(String... args) {
        CliRun r = CliRun.of(home, args);
        out = r.out();
        err = r.err();
        return r.code();
    }

    private String said() {
        return "out: " + out + "\nerr: " + err;
    }

    private void startServer() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/settings.properties"), String.join("\n",
                "receiver.smtp.port=" + port, "receiver.accepted.domains=localhost", "route.default.host=localhost",
                "handlers=org.tubemail.examples.echo.EchoHandler," + HoldingHandler.class.getName(),
                "storage.kind=mapdb", "queue.spool.kind=log",
                "http.enabled=false", // no HTTP API: the commands read the files beside the server (CliApiTest covers the API)
                ""));
        server = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), TubemailCli.class.getName(), "--home", home.toString(), "start"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("server.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new AssertionError("server exited: " + Files.readString(home.resolve("server.log")));
            }
            if (Files.exists(home.resolve("run/tubemail.pid"))) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return;
                } catch (java.io.IOException e) {
                    // not listening yet
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("server did not start within 60 s");
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private CompletableFuture<Integer> sendInBackground(String to, String subject) {
        return CompletableFuture.supplyAsync(() -> TubemailCli.run(new String[]{"--home", home.toString(), "send", "--from",
                "bob@example.org", "--to", to, "--subject", subject, "--port", String.valueOf(port)},
                new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true)));
    }

    private void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 20 s for " + what + "; last " + said());
            }
            Thread.sleep(100);
        }
    }

    @Test
    void everyVerbWorksWhileTheServerRunsAndSaysWhatItCannotShow() throws Exception {
        startServer();
        long pid = server.pid();

        assertEquals(0, run("status"), said());
        assertTrue(out.contains("running, pid " + pid), said());
        assertTrue(out.contains("state storage mapdb: held by the running server"), said());
        assertTrue(Pattern.compile("queue spool +0 \\(snapshot\\)").matcher(out).find(), said());

        assertEquals(0, run("routes"), said());
        assertTrue(out.contains("echo@(host)") && out.contains("hold@(host)"), said());
        assertTrue(out.contains("(states not shown: ") && out.contains("held by the running server (pid " + pid + ")"), said());
        assertEquals(0, run("routes", "echo@localhost", "--sender", "bob@example.org"), said());
        assertTrue(out.contains("RUNS"), said());
        assertEquals(1, run("routes", "nobody@localhost"), said());
        assertTrue(out.contains("no route matches <nobody@localhost>"), said());

        // a message held by its handler stays in the spool, which the server holds
        CompletableFuture<Integer> held = sendInBackground("hold@localhost", "held for a while");
        await("the held message in the spool", () -> run("queue", "spool", "count") == 0 && out.trim().equals("1"));
        assertTrue(err.contains("held by the running server: this is a snapshot"), said());
        assertEquals(0, run("queue", "spool", "list"), said());
        Matcher key = Pattern.compile("(\\d{16})  <bob@example.org> -> \\[hold@localhost\\]  \"held for a while\"").matcher(out);
        assertTrue(key.find(), said());
        assertEquals(0, run("queue", "spool", "show", key.group(1)), said());
        assertTrue(out.contains("Subject: held for a while"), said());
        assertEquals(1, run("queue", "spool", "pop"), said());
        assertTrue(err.contains("the spool belongs to the running server (pid " + pid + ")") && !err.contains("\tat "), said());
        assertEquals(1, run("queue", "spool", "clear"), said());
        assertEquals(0, run("status"), said());
        assertTrue(Pattern.compile("queue spool +1 \\(snapshot\\)").matcher(out).find(), said());

        // the undeliverable queue and the outbox are maildirs the server shares
        assertEquals(0, sendInBackground("fail@localhost", "doomed").get(30, TimeUnit.SECONDS));
        assertEquals(0, sendInBackground("echo@localhost", "ping").get(30, TimeUnit.SECONDS));
        await("the undeliverable message", () -> run("queue", "undeliverable", "count") == 0 && out.trim().equals("1"));
        assertEquals(0, run("queue", "undeliverable", "list"), said());
        assertTrue(out.contains("\"doomed\"") && out.contains("this handler always fails"), said());
        String undeliverableKey = out.split(" ")[0];
        assertEquals(0, run("queue", "undeliverable", "show", undeliverableKey), said());
        assertTrue(out.contains("Subject: doomed"), said());
        await("the echo reply", () -> run("queue", "outbox", "count") == 0 && out.trim().equals("1"));
        org.tubemail.internal.queue.MaildirQueue toBlast = new org.tubemail.internal.queue.MaildirQueue(home.resolve("blast"));
        toBlast.push(org.tubemail.internal.queue.EnvelopeHeaders.wrap(org.tubemail.mail.Envelope.of("ann@example.org", "echo@localhost"), "",
                "From: <ann@example.org>\r\nSubject: blasted\r\n\r\nhi\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertEquals(0, run("blast", home.resolve("blast").toString(), "--port", String.valueOf(port)), said());
        await("the reply to the blasted message", () -> run("queue", "outbox", "count") == 0 && out.trim().equals("2"));
        assertEquals(1, run("start"), said());
        assertTrue(err.contains("already running (pid " + pid), said());
        assertEquals(1, run("queue-run", "blast"), said());
        assertTrue(err.contains("the server is running (pid " + pid + ") and holds the spool"), said());

        Files.createDirectories(home.resolve("run/data"));
        Files.createFile(home.resolve("run/data/release"));
        assertEquals(0, held.get(30, TimeUnit.SECONDS));
        await("an empty spool", () -> run("queue", "spool", "count") == 0 && out.trim().equals("0"));

        assertEquals(0, run("stop"), said());
        assertTrue(server.waitFor(30, TimeUnit.SECONDS));

        // stopped: the same verbs read the real files, with nothing left out
        assertEquals(3, run("status"), said());
        assertTrue(out.startsWith("not running") && out.contains("state storage mapdb: ok"), said());
        assertEquals(0, run("routes", "hold@localhost", "--sender", "bob@example.org"), said());
        assertFalse(out.contains("not shown"), said());
        assertEquals(0, run("queue", "spool", "count"), said());
        assertEquals("0", out.trim());
        assertEquals("", err, said());
    }
}
