package org.tubemail.internal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.tubemail.internal.app.Assembly;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.LogQueueSnapshot;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.queue.QueueInUseException;
import org.tubemail.mail.MailRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Looks into and empties the server's queues. */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "Work with a queue: count, list, show KEY, pop, clear. QUEUE is spool, undeliverable, relay-retry, forward-retry, outbox or a maildir path.")
final class QueueCommand implements java.util.concurrent.Callable<Integer> {

    /** The SMTP spool's name. */
    static final String SPOOL = "spool";

    /** Queues and actions the running server's API answers; the rest are read from the files. */
    private static final Set<String> API_QUEUES = Set.of("undeliverable", "relay-retry", "outbox");
    private static final Set<String> API_ACTIONS = Set.of("count", "list", "show");

    @ParentCommand
    TubemailCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "QUEUE", description = "spool, undeliverable, relay-retry, forward-retry, outbox, or a maildir path")
    String queue;

    @Parameters(index = "1", paramLabel = "ACTION", arity = "0..1", defaultValue = "count", description = "count (default), list, show, pop, clear")
    String action;

    @Parameters(index = "2", paramLabel = "KEY", arity = "0..1", description = "the message key, for show")
    String key;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String act = action.toLowerCase(Locale.ROOT);
        boolean spool = queue.equals(SPOOL);
        Optional<ProcessHandle> server = new RunFiles(cli.home()).running();
        if (API_QUEUES.contains(queue) && API_ACTIONS.contains(act) && server.isPresent() && fromServer(out, new ApiClient(cli.settings()))) {
            return 0;
        }
        if (spool && server.isPresent() && (act.equals("pop") || act.equals("clear"))) {
            throw new IllegalStateException("the spool belongs to the running server (pid " + server.get().pid()
                    + "), which routes and removes its messages: stop the server before " + act);
        }
        if (spool && org.tubemail.internal.app.Spools.shared(cli.settings()) && (act.equals("pop") || act.equals("clear"))) {
            throw new IllegalStateException("the spool is in PostgreSQL (queue.spool.kind=postgres), shared by every server "
                    + "on the database, which route and remove its messages: " + act + " is refused");
        }
        Opened opened = open(cli.settings(), queue, cli.home());
        opened.note().ifPresent(n -> spec.commandLine().getErr().println("(" + n + ")"));
        MessageQueue q = opened.queue();
        Path path = folder(new Assembly(cli.settings()), queue, cli.home());
        switch (act) {
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

    /** Answers count, list or show from the running server's API; false when no server answers. */
    private boolean fromServer(PrintWriter out, ApiClient api) {
        Optional<JsonNode> queues = api.get("/api/queues");
        if (queues.isEmpty() || !queues.get().path("queues").has(queue)) {
            return false; // stopped, or a queue this server does not have (e.g. relay-retry with the maildir relay)
        }
        switch (action.toLowerCase(Locale.ROOT)) {
            case "count" -> {
                out.println(queues.get().path("queues").path(queue).asInt());
                return true;
            }
            case "list" -> {
                int offset = 0;
                while (true) {
                    Optional<JsonNode> page = api.get("/api/queues/" + queue + "?order=oldest&limit=500&offset=" + offset);
                    if (page.isEmpty()) {
                        return offset > 0;
                    }
                    for (JsonNode m : page.get().path("items")) {
                        JsonNode env = m.path("envelope");
                        List<String> rcpts = new java.util.ArrayList<>();
                        env.path("recipients").forEach(r -> rcpts.add(r.asText()));
                        String reason = m.path("reason").asText();
                        out.println(m.path("key").asText() + "  " + (env.isMissingNode() ? "" : "<" + env.path("from").asText() + "> -> " + rcpts)
                                + "  \"" + m.path("subject").asText() + "\"" + (reason.isEmpty() ? "" : "  [" + reason + "]"));
                    }
                    offset += page.get().path("items").size();
                    if (page.get().path("items").isEmpty() || offset >= page.get().path("total").asInt()) {
                        return true;
                    }
                }
            }
            default -> {
                if (key == null) {
                    throw new IllegalArgumentException("show needs a KEY (see: queue " + queue + " list)");
                }
                Optional<String> raw = api.body("/api/queues/" + queue + "/" + ApiClient.encode(key) + "/raw");
                raw.ifPresent(out::print);
                out.flush();
                return raw.isPresent();
            }
        }
    }

    /**
     * A queue opened for looking into.
     *
     * @param note what cannot be done with it, when it is a read-only snapshot of a queue a running server holds
     */
    record Opened(MessageQueue queue, Optional<String> note) {
    }

    /**
     * The queue named {@code name} (a label or a maildir path); the spool follows
     * {@code queue.spool.kind}. A log spool held by a running server is read as a snapshot.
     */
    static Opened open(Settings settings, String name, Path home) {
        Assembly parts = new Assembly(settings);
        Path path = folder(parts, name, home);
        if (name.equals(SPOOL)) {
            try {
                return new Opened(parts.openSpool(), Optional.empty());
            } catch (QueueInUseException e) {
                return new Opened(LogQueueSnapshot.read(path), Optional.of("the spool log " + path + " is held by the running "
                        + "server: this is a snapshot taken now, read-only; messages routed meanwhile may still be listed"));
            }
        }
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("no queue at " + path);
        }
        return new Opened(new MaildirQueue(path), Optional.empty());
    }

    /** The size of queue {@code name}, marked {@code (snapshot)} when read beside a running server, or why it cannot be read. */
    static String countOf(Settings settings, String name, Path home) {
        Opened q;
        try {
            q = open(settings, name, home);
        } catch (RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
        try {
            return q.queue().count() + (q.note().isPresent() ? " (snapshot)" : "");
        } finally {
            close(q.queue());
        }
    }

    static void close(MessageQueue q) {
        if (q instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close " + q + ": " + e.getMessage(), e);
            }
        }
    }

    /** The folder of queue {@code name}: a named queue's by the settings, else the maildir path {@code name}. */
    static Path folder(Assembly parts, String name, Path home) {
        return parts.queueFolder(name).orElse(home.resolve(name));
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
