package org.tubemail.bench;

import org.tubemail.queue.LogQueue;
import org.tubemail.queue.MaildirQueue;
import org.tubemail.queue.MessageQueue;
import org.tubemail.routing.Router;
import org.tubemail.server.ReceiverSettings;
import org.tubemail.server.SmtpReceiver;
import org.tubemail.state.MapDbStorage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The Tubemail server the SMTP benchmark loads: SMTP receiver on 127.0.0.1, a router with
 * {@link MailboxHandler}, durable MapDB state, a log spool (the server's default) and a maildir
 * undeliverable queue, all under one work folder. Usage:
 * {@code java -cp benchmarks.jar org.tubemail.bench.TubemailSmtp PORT WORK_DIR}; prints
 * {@code READY port} once bound and runs until killed (the shutdown hook stops it cleanly). For
 * experiments: {@code -Dtubemail.spool=maildir} spools to a maildir instead, and
 * {@code -Dtubemail.workers=N} sets the number of spool workers (default 32).
 */
public final class TubemailSmtp {

    private TubemailSmtp() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(Ports.arg(args, 0, "PORT"));
        Path work = Files.createDirectories(Path.of(Ports.arg(args, 1, "WORK_DIR")));
        MapDbStorage storage = new MapDbStorage(work.resolve("state.db"));
        Router router = Router.builder()
                .storage(storage)
                .undeliverable(new MaildirQueue(work.resolve("undeliverable")))
                .defaultCapture("host", "example\\.com")
                .handlers(new MailboxHandler())
                .build();
        // Long idle timeout: the memory check keeps 100 connections open and silent while it sends.
        ReceiverSettings settings = new ReceiverSettings("127.0.0.1", port, Set.of("example.com"), 10L * 1024 * 1024,
                100, Duration.ofMinutes(10), 500, Integer.getInteger("tubemail.workers", 32));
        // the server's default spool, a log; -Dtubemail.spool=maildir for the maildir one
        MessageQueue spool = "maildir".equals(System.getProperty("tubemail.spool")) ? new MaildirQueue(work.resolve("spool"))
                : new LogQueue(work.resolve("spool-log"));
        SmtpReceiver receiver = new SmtpReceiver(settings, router, spool);
        if (spool instanceof LogQueue) {
            // a log spool is one file: publish its size so that run.sh can wait until everything is routed
            Path count = work.resolve("spool-count");
            Thread publisher = new Thread(() -> {
                while (true) {
                    try {
                        Files.writeString(work.resolve("spool-count.tmp"), String.valueOf(spool.count()));
                        Files.move(work.resolve("spool-count.tmp"), count, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                        Thread.sleep(10);
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "spool-count");
            publisher.setDaemon(true);
            publisher.start();
        }
        receiver.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            receiver.stop(Duration.ofSeconds(5));
            storage.close();
        }));
        System.out.println("READY " + receiver.port());
        Thread.currentThread().join();
    }
}
