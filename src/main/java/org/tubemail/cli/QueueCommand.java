package org.tubemail.cli;

import org.tubemail.config.Settings;
import org.tubemail.mail.MailRequest;
import org.tubemail.queue.EnvelopeHeaders;
import org.tubemail.queue.MaildirQueue;
import org.tubemail.queue.MessageQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Looks into and empties the server's queues. */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "Work with a queue: count, list, show KEY, pop, clear. QUEUE is spool, undeliverable, relay-retry, outbox or a maildir path.")
final class QueueCommand implements java.util.concurrent.Callable<Integer> {

    /** The queues the settings name. */
    enum Named {
        SPOOL("spool", "queue.spool", "run/spool"),
        UNDELIVERABLE("undeliverable", "queue.undeliverable", "run/undeliverable"),
        RELAY_RETRY("relay-retry", "queue.relay.retry", "run/relay-retry"),
        FORWARD_RETRY("forward-retry", "queue.forward.retry", "run/forward-retry"),
        OUTBOX("outbox", "relay.outbox", "run/outbox");

        private final String label;
        private final String key;
        private final String fallback;

        Named(String label, String key, String fallback) {
            this.label = label;
            this.key = key;
            this.fallback = fallback;
        }

        String label() {
            return label;
        }

        Path path(Settings s) {
            return s.path(key, fallback);
        }
    }

    @ParentCommand
    TubemailCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "QUEUE")
    String queue;

    @Parameters(index = "1", paramLabel = "ACTION", defaultValue = "count", description = "count (default), list, show, pop, clear")
    String action;

    @Parameters(index = "2", paramLabel = "KEY", arity = "0..1", description = "the message key, for show")
    String key;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        MessageQueue q = open(cli.settings(), queue, cli.home());
        Path path = queue.equals(Named.SPOOL.label()) ? Named.SPOOL.path(cli.settings()) : resolve();
        switch (action.toLowerCase(Locale.ROOT)) {
            case "count" -> out.println(q.count());
            case "list" -> q.keys().forEach(k -> q.get(k).ifPresent(m -> out.println(k + "  " + summary(m))));
            case "show" -> {
                if (key == null) {
                    throw new IllegalArgumentException("show needs a KEY (see: queue " + queue + " list)");
                }
                out.print(new String(q.get(key).orElseThrow(() -> new IllegalArgumentException("no message " + key + " in " + path)),
                        StandardCharsets.UTF_8));
                out.flush();
            }
            case "pop" -> q.pop().ifPresentOrElse(m -> out.print(new String(m.message(), StandardCharsets.UTF_8)),
                    () -> out.println("(empty)"));
            case "clear" -> {
                int n = q.count();
                q.clear();
                out.println("removed " + n + " message(s) from " + path);
            }
            default -> throw new IllegalArgumentException("unknown action '" + action + "': use count, list, show, pop or clear");
        }
        close(q);
        return 0;
    }

    /** The queue named {@code name} (a label or a maildir path); the spool follows {@code queue.spool.kind}. */
    static MessageQueue open(Settings settings, String name, Path home) {
        if (name.equals(Named.SPOOL.label())) {
            return org.tubemail.app.TubemailServer.openSpool(settings);
        }
        Path path = home.resolve(name);
        for (Named n : Named.values()) {
            if (n.label().equals(name)) {
                path = n.path(settings);
            }
        }
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("no queue at " + path);
        }
        return new MaildirQueue(path);
    }

    /** The size of queue {@code name}, or {@code (in use)} when a running server holds it (a log spool). */
    static String countOf(Settings settings, String name, Path home) {
        MessageQueue q;
        try {
            q = open(settings, name, home);
        } catch (org.tubemail.queue.QueueException e) {
            return "(in use)";
        }
        try {
            return String.valueOf(q.count());
        } finally {
            close(q);
        }
    }

    private static void close(MessageQueue q) {
        if (q instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close " + q + ": " + e.getMessage(), e);
            }
        }
    }

    private Path resolve() {
        for (Named n : Named.values()) {
            if (n.label().equals(queue)) {
                return n.path(cli.settings());
            }
        }
        return cli.home().resolve(queue);
    }

    private static String summary(byte[] queued) {
        EnvelopeHeaders.Unwrapped u = EnvelopeHeaders.unwrap(queued);
        String subject;
        try {
            subject = MailRequest.parse(org.tubemail.mail.Envelope.of("", "unknown@localhost"), u.message()).subject();
        } catch (RuntimeException e) {
            subject = "(unreadable)";
        }
        String env = u.envelope().map(e -> "<" + e.mailFrom() + "> -> " + e.recipients()).orElse("");
        return env + "  \"" + subject + "\"" + (u.reason().isEmpty() ? "" : "  [" + u.reason() + "]");
    }
}
