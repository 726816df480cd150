package org.tubemail.internal.cli;

import org.tubemail.internal.app.Crypto;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.crypto.CryptoProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The {@code tubemail} command line. Errors are one clear line and a non-zero exit, never a stack trace. */
@Command(name = "tubemail", mixinStandardHelpOptions = true, version = "Tubemail 0.1.0",
        description = "Mail-routing state-machine framework: run the server and work with its queues.",
        subcommands = {StartCommand.class, StopCommand.class, StatusCommand.class, SendCommand.class, RoutesCommand.class,
                QueueCommand.class, QueueRunCommand.class, GenCommand.class, LogCommand.class, BlastCommand.class,
                SendmailCommand.class, DkimCommand.class, GraphCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class})
public final class TubemailCli {

    @Option(names = "--home", description = "Project folder holding config/ and run/ (default: bin/tubemail passes its own project folder, or $TUBEMAIL_HOME; run with java directly, the current folder).",
            defaultValue = ".", scope = CommandLine.ScopeType.INHERIT)
    Path home;

    /** The project folder, absolute. */
    Path home() {
        return home.toAbsolutePath().normalize();
    }

    /** The project's settings. */
    Settings settings() {
        return Settings.load(home());
    }

    /**
     * Puts the JCA provider in place for a command that does cryptography without building a server:
     * {@code crypto.provider} from the settings when the project has them, else the default.
     */
    CryptoProvider.InUse crypto() {
        Path file = home().resolve("config/settings.properties");
        return Crypto.use(Files.exists(file) ? settings() : Settings.of("defaults", home(), Map.of()));
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given output streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new TubemailCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof ConfigException) {
                err.println("tubemail: configuration error: " + ex.getMessage());
                return 2;
            }
            err.println("tubemail " + line.getCommandName() + ": " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            return 1;
        });
        return cli.execute(args);
    }
}
