package org.tubemail.cli;

import org.tubemail.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Optional;

/** Says whether the server runs, where it listens, and how full its queues are. */
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
        Optional<ProcessHandle> server = files.running();
        boolean running = server.isPresent();
        out.println(running ? "running, pid " + server.get().pid() : "not running");
        out.println("SMTP " + s.string("receiver.smtp.host", "127.0.0.1") + ":" + s.port("receiver.smtp.port", 8825));
        String kind = s.choice("storage.kind", "mapdb", "memory", "mapdb", "postgres");
        out.println("state storage " + (running && kind.equals("mapdb")
                ? "mapdb: held by the running server (" + s.path("storage.path", "run/state.db") + "), not opened"
                : org.tubemail.app.TubemailServer.checkStorage(s)));
        for (QueueCommand.Named q : QueueCommand.Named.values()) {
            var path = q.path(s);
            out.println(String.format("queue %-13s %6s  %s", q.label(), Files.isDirectory(path) ? QueueCommand.countOf(s, q.label(), cli.home()) : "-", path));
        }
        return running ? 0 : 3;
    }
}
