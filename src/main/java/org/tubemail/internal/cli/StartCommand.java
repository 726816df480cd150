package org.tubemail.internal.cli;

import org.slf4j.LoggerFactory;
import org.tubemail.internal.app.TubemailServer;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.http.HttpSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.File;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Starts the server, in the foreground or (with {@code -d}) in the background. */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Start the server (foreground unless --background).")
final class StartCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    TubemailCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = {"-d", "--background"}, description = "Run in the background; output goes to run/logs/tubemail.log.")
    boolean background;

    @Option(names = "--grace", defaultValue = "30", description = "Seconds in-flight messages get to finish on stop (default ${DEFAULT-VALUE}).")
    int graceSeconds;

    @Override
    public Integer call() throws Exception {
        RunFiles files = new RunFiles(cli.home());
        if (files.running().isPresent()) {
            throw new IllegalStateException("already running (pid " + files.running().get().pid() + ", " + files.pidFile() + ")");
        }
        Settings settings = cli.settings();
        String level = settings.choice("log.level", "info", "error", "warn", "info", "debug", "trace");
        if (LoggerFactory.getLogger("org.tubemail") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.toLevel(level));
        }
        return background ? startInBackground(files, settings) : runInForeground(files, settings);
    }

    private int runInForeground(RunFiles files, Settings settings) throws Exception {
        TubemailServer server = TubemailServer.configure(settings);
        server.start();
        CountDownLatch stopped = new CountDownLatch(1);
        files.takeStopNow(); // a request left by a stop that found no server
        // before the pid file and the start line: a SIGTERM sent as soon as either shows must find the drain in place
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!files.takeStopNow()) { // SIGTERM (systemd, kill, stop --drain): drain first
                server.drain();
            }
            server.stop(Duration.ofSeconds(graceSeconds));
            files.removePid();
            stopped.countDown();
        }, "tubemail-shutdown"));
        files.writePid(ProcessHandle.current().pid());
        String http = server.httpPort() == 0 ? "" : ", HTTP on http://" + HttpSettings.from(settings).host() + ":" + server.httpPort() + "/";
        spec.commandLine().getOut().println("Tubemail listening on SMTP " + settings.string("receiver.smtp.host", "127.0.0.1") + ":"
                + server.smtpPort() + http + " (pid " + ProcessHandle.current().pid() + "); stop with: bin/tubemail stop");
        stopped.await();
        return 0;
    }

    private int startInBackground(RunFiles files, Settings settings) throws Exception {
        Files.createDirectories(files.logFile().getParent());
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ProcessHandle.current().info().arguments().map(List::of).orElse(List.of()).stream()
                .takeWhile(a -> !a.equals(TubemailCli.class.getName())).toList());
        command.add(TubemailCli.class.getName());
        command.addAll(List.of("--home", cli.home().toString(), "start", "--grace", String.valueOf(graceSeconds)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(files.logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String host = settings.string("receiver.smtp.host", "127.0.0.1");
        int port = settings.port("receiver.smtp.port", 8825);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the server exited during start-up (code " + p.exitValue() + "); see " + files.logFile());
            }
            if (files.running().isPresent() && listening(host, port)) {
                HttpSettings http = HttpSettings.from(settings);
                spec.commandLine().getOut().println("Tubemail started in the background (pid " + p.pid() + "), SMTP on " + host + ":"
                        + port + (http.enabled() && http.port() != 0 ? ", HTTP on http://" + http.host() + ":" + http.port() + "/" : "")
                        + "; log: " + files.logFile());
                return 0;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the server did not start listening within 60 s; see " + files.logFile());
    }

    private static boolean listening(String host, int port) {
        if (port == 0) {
            return true;
        }
        try {
            new Socket(host, port).close();
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
