package org.tubemail.internal.cli;

import org.tubemail.internal.config.Settings;
import org.tubemail.mail.MailResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Sends a test message to a server (by default the configured one) and prints its reply. */
@Command(name = "send", mixinStandardHelpOptions = true, description = "Send a test message over SMTP and print the server's reply.")
final class SendCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    TubemailCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, description = "Envelope and From address.")
    String from;

    @Option(names = "--to", required = true, split = ",", description = "Recipient(s), comma-separated.")
    List<String> to;

    @Option(names = "--subject", defaultValue = "test", description = "Subject (default: ${DEFAULT-VALUE}).")
    String subject;

    @Option(names = "--body", defaultValue = "This is a test message sent by tubemail send.", description = "Body text.")
    String body;

    @Option(names = "--file", description = "Send this raw RFC 5322 message instead of building one.")
    Path file;

    @Option(names = "--host", description = "Server host (default: receiver.smtp.host).")
    String host;

    @Option(names = "--port", description = "Server port (default: receiver.smtp.port).")
    Integer port;

    @Override
    public Integer call() throws Exception {
        String h = host;
        int p = port == null ? 0 : port;
        if (h == null || port == null) {
            Settings s = cli.settings();
            h = h == null ? s.string("receiver.smtp.host", "127.0.0.1") : h;
            p = port == null ? s.port("receiver.smtp.port", 8825) : p;
        }
        byte[] raw = file != null ? Files.readAllBytes(file) : build();
        try (SmtpSubmitter smtp = new SmtpSubmitter(h, p)) {
            spec.commandLine().getOut().println(smtp.send(raw, from, to));
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException("sending to " + h + ":" + p + " failed: " + rootMessage(e), e);
        }
        return 0;
    }

    private byte[] build() throws Exception {
        MailResponse m = MailResponse.to(to.get(0)).from(from).subject(subject).text(body);
        to.subList(1, to.size()).forEach(m::addTo);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.toMimeMessage().writeTo(out);
        return out.toByteArray();
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = oneLine(e.getMessage() == null ? e.toString() : e.getMessage());
        String cause = t.getMessage() == null ? t.toString() : oneLine(t.getMessage());
        return t == e || msg.contains(cause) ? msg : msg + " (" + cause + ")";
    }

    /** A server's reply text as one line: SMTP replies end in a line break, and may hold several lines. */
    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
