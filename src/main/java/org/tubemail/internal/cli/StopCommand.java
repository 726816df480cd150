package org.tubemail.internal.cli;

import org.tubemail.internal.app.TubemailServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.TimeUnit;

/**
 * Stops a running server gracefully: in-flight messages finish first. With {@code --drain} (what
 * SIGTERM from elsewhere does too) the server first leaves the load balancer's rotation, refuses new
 * connections with {@code 421} and lets open sessions and routing finish.
 */
@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the running server gracefully.")
final class StopCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    TubemailCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--wait", description = "Seconds to wait for the server to exit (default 60, with --drain 60 more than"
            + " drain.delay.seconds + drain.timeout.seconds).")
    Integer waitSeconds;

    @Option(names = "--drain", description = "Drain first: /health/ready turns 503, new connections get 421 4.3.2, open sessions"
            + " and routing finish (bounded by drain.timeout.seconds), then exit.")
    boolean drain;

    @Override
    public Integer call() throws Exception {
        RunFiles files = new RunFiles(cli.home());
        ProcessHandle p = files.running().orElse(null);
        if (p == null) {
            spec.commandLine().getOut().println("Tubemail is not running (no live process in " + files.pidFile() + ")");
            files.removePid();
            return 0;
        }
        long wait = waitSeconds != null ? waitSeconds : drain ? 60 + drainSeconds() : 60;
        if (!drain) {
            files.requestStopNow();
        }
        p.destroy(); // SIGTERM: the server's shutdown hook drains (unless asked not to) and finishes in-flight messages
        try {
            p.onExit().get(wait, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("pid " + p.pid() + " did not exit within " + wait + " s; it is still finishing, or stuck");
        }
        spec.commandLine().getOut().println("Tubemail " + (drain ? "drained and stopped" : "stopped") + " (pid " + p.pid() + ")");
        return 0;
    }

    /** The longest a drain takes by the settings. */
    private long drainSeconds() {
        return TubemailServer.drainSeconds(cli.settings());
    }
}
