package org.tubemail.internal.cli;

import org.tubemail.internal.app.Assembly;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.server.spool.SpoolProcessor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Routes every message of a maildir once and exits: the queue receiver as a one-shot run, e.g. from cron. */
@Command(name = "queue-run", mixinStandardHelpOptions = true,
        description = "Route every message waiting in MAILDIR (default: receiver.queue.path) once, then exit; for cron. "
                + "Uses receiver.queue.workers threads; messages over receiver.max.message.bytes go to the undeliverable queue.")
final class QueueRunCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    TubemailCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MAILDIR")
    Path maildir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Settings settings = cli.settings();
        Path dir = maildir != null ? cli.home().resolve(maildir) : settings.path("receiver.queue.path", "");
        if (maildir == null && settings.string("receiver.queue.path", "").isEmpty()) {
            throw new IllegalArgumentException("name a MAILDIR, or set receiver.queue.path in " + settings.source());
        }
        if (!Files.isDirectory(dir.resolve("new"))) {
            throw new IllegalArgumentException(dir + " is not a maildir (it has no new/ folder)");
        }
        new RunFiles(cli.home()).running().ifPresent(p -> {
            throw new IllegalStateException("the server is running (pid " + p.pid() + ") and holds the spool and the state "
                    + "storage: let its queue receiver route " + dir + " (receiver.queue.path), or stop it first");
        });
        try (Assembly parts = new Assembly(settings)) {
            SpoolProcessor.Drained d = parts.queueReceiver(dir).runOnce(Duration.ofSeconds(60));
            out.println("took " + d.routed() + " message(s) from " + dir + " (each routed, or kept in the undeliverable queue with the reason)"
                    + (d.failed() > 0 ? "; routing failed outside the handlers, the rest stays for the next run" : ""));
            return d.failed() > 0 ? 1 : 0;
        }
    }
}
