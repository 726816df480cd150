package org.tubemail.internal.cli;

import org.tubemail.internal.mail.HeaderEnvelope;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.mail.Envelope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Sends every message of a maildir to a server. */
@Command(name = "blast", mixinStandardHelpOptions = true,
        description = "Send every message of a maildir to an SMTP server, with each message's own envelope.")
final class BlastCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    TubemailCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MAILDIR")
    Path maildir;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", required = true, description = "Server port.")
    int port;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = cli.home().resolve(maildir);
        if (!Files.isDirectory(dir.resolve("new")) && !Files.isDirectory(dir.resolve("cur"))) {
            throw new IllegalArgumentException(dir + " is not a maildir (no new/ or cur/)");
        }
        MaildirQueue source = new MaildirQueue(dir);
        int sent = 0;
        int failed = 0;
        try (SmtpSubmitter smtp = new SmtpSubmitter(host, port)) {
            for (String key : source.keys()) {
                Optional<byte[]> raw = source.get(key);
                if (raw.isEmpty()) {
                    continue;
                }
                EnvelopeHeaders.Unwrapped u = EnvelopeHeaders.unwrap(raw.get());
                Optional<Envelope> env = u.envelope().or(() -> HeaderEnvelope.of(u.message()));
                if (env.isEmpty()) {
                    out.println("skipped " + key + ": no envelope and no recipient headers");
                    failed++;
                    continue;
                }
                try {
                    smtp.send(u.message(), env.get().mailFrom(), env.get().recipients());
                    sent++;
                } catch (jakarta.mail.MessagingException e) {
                    out.println("failed " + key + ": " + SendCommand.rootMessage(e));
                    failed++;
                }
            }
        }
        out.println("sent " + sent + ", failed " + failed);
        return failed == 0 ? 0 : 1;
    }
}
