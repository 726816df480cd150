package org.tubemail.internal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.tubemail.internal.app.Assembly;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.io.FreeSpace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Says whether the server runs, where it listens, and how full its queues are: asks the running
 * server's API, and reads the files when it is stopped (or its HTTP listener is off).
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show whether the server runs, its ports and queue sizes.")
final class StatusCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    TubemailCli cli;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RunFiles files = new RunFiles(cli.home());
        Settings s = cli.settings();
        Assembly parts = new Assembly(s);
        Optional<ProcessHandle> server = files.running();
        boolean running = server.isPresent();
        Optional<JsonNode> live = running ? new ApiClient(s).get("/api/status") : Optional.empty();
        if (live.isPresent()) {
            printLive(out, server.get().pid(), live.get());
            out.println(spoolSpace(parts));
            return 0;
        }
        out.println(running ? "running, pid " + server.get().pid() : "not running");
        out.println("SMTP " + parts.receiverSettings().host() + ":" + parts.receiverSettings().port());
        String kind = s.choice("storage.kind", "mapdb", "memory", "mapdb", "postgres");
        out.println("state storage " + (running && kind.equals("mapdb")
                ? "mapdb: held by the running server (" + s.path("storage.path", "run/state.db") + "), not opened"
                : parts.checkStorage()));
        out.println("crypto " + cli.crypto().describe());
        out.println(spoolSpace(parts));
        List<String> queues = new ArrayList<>(List.of(QueueCommand.SPOOL));
        queues.addAll(parts.queueNames()); // the queues the server would show
        for (String name : queues) {
            Path path = QueueCommand.folder(parts, name, cli.home());
            out.println(String.format("queue %-13s %6s  %s", name, Files.isDirectory(path) ? QueueCommand.countOf(s, name, cli.home()) : "-", path));
        }
        return running ? 0 : 3;
    }

    /** The running server's own account, from {@code GET /api/status}. */
    private static void printLive(PrintWriter out, long pid, JsonNode status) {
        out.println("running, pid " + pid + ", up " + Duration.ofSeconds(status.path("uptimeSeconds").asLong()).toString()
                .substring(2).toLowerCase(java.util.Locale.ROOT));
        for (JsonNode l : status.path("listeners")) {
            out.println(l.path("protocol").asText().toUpperCase(java.util.Locale.ROOT) + " " + l.path("host").asText() + ":" + l.path("port").asInt()
                    + (l.has("openConnections") ? " (" + l.path("openConnections").asInt() + " connection(s) open)" : ""));
        }
        JsonNode storage = status.path("storage");
        out.println("state storage " + storage.path("kind").asText() + ": " + (storage.path("ok").asBoolean() ? "ok" : "UNAVAILABLE"));
        out.println("crypto " + status.path("crypto").path("description").asText("unknown"));
        status.path("queues").fields().forEachRemaining(q -> out.println(String.format("queue %-13s %6d", q.getKey(), q.getValue().asInt())));
    }

    /** The spool's free space against its watermark, {@code receiver.min.free.bytes}. */
    private static String spoolSpace(Assembly parts) {
        FreeSpace space = parts.spoolSpace();
        String free = space.usableBytes() == Long.MAX_VALUE ? "unknown" : mib(space.usableBytes());
        String line = "spool free space " + free + " (receiver.min.free.bytes " + mib(space.minFreeBytes()) + ")";
        return space.low() ? line + ": LOW, new mail is refused with 452 4.3.1 until space returns" : line;
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
