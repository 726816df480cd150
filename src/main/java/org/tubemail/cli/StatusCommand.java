package org.tubemail.cli;

import org.tubemail.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;

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
        boolean running = files.running().isPresent();
        out.println(running ? "running, pid " + files.running().get().pid() : "not running");
        out.println("SMTP " + s.string("receiver.smtp.host", "127.0.0.1") + ":" + s.port("receiver.smtp.port", 8825));
        out.println("state storage " + org.tubemail.app.TubemailServer.checkStorage(s));
        for (QueueCommand.Named q : QueueCommand.Named.values()) {
            var path = q.path(s);
            out.println(String.format("queue %-13s %6s  %s", q.label(), Files.isDirectory(path) ? QueueCommand.countOf(s, q.label(), cli.home()) : "-", path));
        }
        return running ? 0 : 3;
    }
}
