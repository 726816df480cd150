package org.tubemail.bench;

import org.tubemail.internal.app.Assembly;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.crypto.CryptoProvider;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.LogQueue;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.smtp.SmtpReceiver;
import org.tubemail.internal.server.tls.TlsContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The Tubemail server the SMTP benchmark loads: SMTP receiver on 127.0.0.1, a router with
 * {@link MailboxHandler}, durable MapDB state, a log spool (the server's default) and a maildir
 * undeliverable queue, all under one work folder. Usage:
 * {@code java -cp benchmarks.jar org.tubemail.bench.TubemailSmtp PORT WORK_DIR}; prints
 * {@code READY port} once bound and runs until killed (the shutdown hook stops it cleanly). For
 * experiments: {@code -Dtubemail.spool=maildir} spools to a maildir instead, and
 * {@code -Dtubemail.workers=N} sets the number of spool workers (default 32), and
 * {@code -Dtubemail.storage=memory} keeps the state in memory (no state log to sync).
 *
 * <p>STARTTLS is offered, with {@code -Dtubemail.tls.cert=PEM -Dtubemail.tls.key=PEM} (run.sh gives
 * Tubemail and Postfix the same certificate) or else a self-signed one made in {@code WORK/tls}.
 * {@code -Dtubemail.maxConnections=N} raises the connection limit (default 500) for the memory check.
 * Like the server, it reports into Micrometer meters and the event ring ({@code MeteredMonitor});
 * {@code -Dtubemail.monitor=none} turns that off, to measure what it costs. Its crypto runs on the
 * native provider when it loads, as the server's; {@code -Dtubemail.crypto.provider=jdk} for the JDK's.
 */
public final class TubemailSmtp {

    private TubemailSmtp() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(Ports.arg(args, 0, "PORT"));
        // as the server: the native provider when it loads (-Dtubemail.crypto.provider=jdk for the JDK's)
        System.out.println("crypto: " + CryptoProvider.use(CryptoProvider.defaultMode()).describe());
        Path work = Files.createDirectories(Path.of(Ports.arg(args, 1, "WORK_DIR")));
        // Assembled as the server is, from settings: durable MapDB state, a maildir undeliverable queue, no handler time limit.
        // Long idle timeout: the memory check keeps 100 connections open and silent while it sends.
        Map<String, String> values = new HashMap<>();
        values.put("receiver.smtp.host", "127.0.0.1");
        values.put("receiver.smtp.port", String.valueOf(port));
        values.put("receiver.accepted.domains", "example.com");
        values.put("receiver.idle.timeout.seconds", "600");
        values.put("receiver.max.connections", String.valueOf(Integer.getInteger("tubemail.maxConnections", 500)));
        values.put("receiver.workers", String.valueOf(Integer.getInteger("tubemail.workers", 32)));
        values.put("handlers", MailboxHandler.class.getName());
        values.put("route.default.host", "example\\.com");
        values.put("handler.timeout.seconds", "0");
        // durable MapDB state; -Dtubemail.storage=memory keeps it in memory, to measure what the state log's sync costs
        values.put("storage.kind", System.getProperty("tubemail.storage", "mapdb"));
        values.put("storage.path", "state.db");
        values.put("queue.undeliverable", "undeliverable");
        Assembly parts = new Assembly(Settings.of("bench settings", work, values));
        // metered as the server is (Micrometer meters and the event ring); -Dtubemail.monitor=none for none, to measure their cost
        if ("none".equals(System.getProperty("tubemail.monitor"))) {
            parts.withMonitor(Monitor.NONE);
        }
        Router router = parts.router();
        ReceiverSettings settings = parts.receiverSettings();
        // the server's default spool, a log; -Dtubemail.spool=maildir for the maildir one
        MessageQueue spool = "maildir".equals(System.getProperty("tubemail.spool")) ? new MaildirQueue(work.resolve("spool"))
                : new LogQueue(work.resolve("spool-log"));
        String cert = System.getProperty("tubemail.tls.cert");
        TlsContext tls = cert != null ? TlsContext.load(Path.of(cert), Path.of(System.getProperty("tubemail.tls.key")))
                : TlsContext.loadOrGenerate(null, null, work.resolve("tls"), "bench.localdomain");
        SmtpReceiver receiver = new SmtpReceiver(settings, router, spool, ConnectionSecurity.tls(tls));
        answerDrainRequests(work, spool);
        receiver.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            receiver.stop(Duration.ofSeconds(5));
            parts.close();
        }));
        System.out.println("READY " + receiver.port());
        Thread.currentThread().join();
    }

    /**
     * Lets run.sh wait until every accepted message is routed: each line it writes into the FIFO
     * {@code WORK/drain-request} is answered with {@code 0} on the FIFO {@code WORK/drain-answer}
     * once the spool is empty. Nothing happens between requests (publishing the count in a file
     * every 10 ms instead cost about 3% of the server's CPU).
     */
    private static void answerDrainRequests(Path work, MessageQueue spool) throws Exception {
        Path request = work.resolve("drain-request");
        Path answer = work.resolve("drain-answer");
        Process mkfifo = new ProcessBuilder("mkfifo", request.toString(), answer.toString()).inheritIO().start();
        if (mkfifo.waitFor() != 0) {
            throw new IllegalStateException("mkfifo " + request + " " + answer + " failed");
        }
        Thread answerer = new Thread(() -> {
            try {
                while (true) {
                    try (var lines = Files.newBufferedReader(request)) { // blocks until run.sh opens it
                        while (lines.readLine() != null) {
                            while (spool.count() > 0) {
                                Thread.sleep(1);
                            }
                            Files.writeString(answer, "0\n");
                        }
                    }
                }
            } catch (Exception e) {
                System.err.println("drain answerer stopped: " + e);
            }
        }, "drain-answerer");
        answerer.setDaemon(true);
        answerer.start();
    }
}
