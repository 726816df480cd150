package org.tubemail.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.TimeUnit;

/** Stops a running server gracefully: in-flight messages finish first. */
@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the running server gracefully.")
final class StopCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    TubemailCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--wait", defaultValue = "60", description = "Seconds to wait for the server to exit (default ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Override
    public Integer call() throws Exception {
        RunFiles files = new RunFiles(cli.home());
        ProcessHandle p = files.running().orElse(null);
        if (p == null) {
            spec.commandLine().getOut().println("Tubemail is not running (no live process in " + files.pidFile() + ")");
            files.removePid();
            return 0;
        }
        p.destroy(); // SIGTERM: the server's shutdown hook finishes in-flight messages
        try {
            p.onExit().get(waitSeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("pid " + p.pid() + " did not exit within " + waitSeconds + " s; it is still finishing, or stuck");
        }
        spec.commandLine().getOut().println("Tubemail stopped (pid " + p.pid() + ")");
        return 0;
    }
}
