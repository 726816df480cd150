package org.tubemail.internal.cli;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.mail.MailRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The {@code sendmail} interface that cron, scripts and PHP's {@code mail()} expect: reads one message on
 * stdin and submits it to the running server by SMTP (default) or LMTP, then exits with a
 * {@code sysexits.h} code. Unlike a real MTA it keeps no queue of its own: when the server cannot
 * take the message now, it exits {@code 75} (EX_TEMPFAIL) and the caller keeps it.
 */
@Command(name = "sendmail", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = SendmailCommand.EX_USAGE,
        description = "Read a message on stdin and submit it to the running server (sendmail-compatible exit codes).")
final class SendmailCommand implements Callable<Integer> {

    static final int EX_OK = 0;
    static final int EX_USAGE = 64;
    static final int EX_DATAERR = 65;
    static final int EX_NOUSER = 67;
    static final int EX_UNAVAILABLE = 69;
    static final int EX_TEMPFAIL = 75;
    static final int EX_CONFIG = 78;

    /** Where the message comes from; tests replace it. */
    static InputStream stdin = System.in;

    @ParentCommand
    TubemailCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "-r"}, paramLabel = "FROM", description = "Envelope sender (default: the From header, else USER@localhost).")
    String from;

    @Option(names = "-t", description = "Also take recipients from the To, Cc and Bcc headers (Bcc is removed).")
    boolean fromHeaders;

    @Option(names = {"-i", "-oi"}, description = "A line with a single dot does not end the message.")
    boolean ignoreDots;

    @Option(names = "--lmtp", description = "Submit by LMTP (receiver.lmtp.socket, else receiver.lmtp.port) instead of SMTP.")
    boolean lmtp;

    @Parameters(paramLabel = "RCPT", arity = "0..*", description = "Recipients.")
    List<String> recipients = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return submit(err);
        } catch (ConfigException e) {
            err.println("sendmail: configuration error: " + e.getMessage());
            return EX_CONFIG;
        }
    }

    private int submit(PrintWriter err) {
        MimeMessage message;
        try {
            message = new MimeMessage(MailRequest.session(), new ByteArrayInputStream(readMessage()));
        } catch (IOException | MessagingException e) {
            err.println("sendmail: cannot read the message: " + e.getMessage());
            return EX_DATAERR;
        }
        LinkedHashSet<String> rcpts = new LinkedHashSet<>(recipients);
        String sender;
        try {
            if (fromHeaders) {
                for (Message.RecipientType type : List.of(Message.RecipientType.TO, Message.RecipientType.CC, Message.RecipientType.BCC)) {
                    Address[] as = message.getRecipients(type);
                    for (Address a : as == null ? new Address[0] : as) {
                        rcpts.add(((InternetAddress) a).getAddress());
                    }
                }
                message.removeHeader("Bcc");
            }
            sender = from != null ? from : defaultSender(message);
            completeHeaders(message, sender);
        } catch (MessagingException e) {
            err.println("sendmail: bad header in the message: " + e.getMessage());
            return EX_DATAERR;
        }
        if (rcpts.isEmpty()) {
            err.println("sendmail: no recipient addresses (give them as arguments, or use -t)");
            return EX_USAGE;
        }
        byte[] raw;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            raw = out.toByteArray();
        } catch (IOException | MessagingException e) {
            err.println("sendmail: cannot write the message: " + e.getMessage());
            return EX_DATAERR;
        }
        Settings s = cli.settings();
        return lmtp ? viaLmtp(s, raw, sender, List.copyOf(rcpts), err) : viaSmtp(s, raw, sender, List.copyOf(rcpts), err);
    }

    /** Reads stdin to its end, or (without -i) to a line holding a single dot. */
    private byte[] readMessage() throws IOException {
        byte[] all = stdin.readAllBytes();
        if (ignoreDots) {
            return all;
        }
        String text = new String(all, StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\.\\r?$").matcher(text);
        return m.find() ? text.substring(0, m.start()).getBytes(StandardCharsets.ISO_8859_1) : all;
    }

    private static String defaultSender(MimeMessage m) throws MessagingException {
        Address[] f = m.getFrom();
        return f != null && f.length > 0 ? ((InternetAddress) f[0]).getAddress() : System.getProperty("user.name") + "@localhost";
    }

    /** Adds From, Date and Message-ID when missing, as an MTA's submission does. */
    private static void completeHeaders(MimeMessage m, String sender) throws MessagingException {
        if (m.getHeader("From") == null) {
            m.setFrom(new InternetAddress(sender));
        }
        if (m.getHeader("Date") == null) {
            m.setSentDate(new Date());
        }
        if (m.getHeader("Message-ID") == null) {
            m.setHeader("Message-ID", "<" + java.util.UUID.randomUUID() + "@tubemail.sendmail>");
        }
    }

    private int viaSmtp(Settings s, byte[] raw, String sender, List<String> rcpts, PrintWriter err) {
        String host = s.string("receiver.smtp.host", "127.0.0.1");
        int port = s.port("receiver.smtp.port", 8825);
        try (SmtpSubmitter smtp = new SmtpSubmitter(host, port)) {
            smtp.send(raw, sender, rcpts);
            return EX_OK;
        } catch (MailConnectException e) {
            err.println("sendmail: cannot connect to " + host + ":" + port + " (is the server running?): " + e.getMessage());
            return EX_TEMPFAIL;
        } catch (SendFailedException e) {
            return refused(e, err);
        } catch (MessagingException e) {
            err.println("sendmail: " + SendCommand.rootMessage(e));
            return EX_TEMPFAIL;
        }
    }

    /** The most severe outcome among refused recipients: any 5xx wins over 4xx. */
    private static int refused(SendFailedException e, PrintWriter err) {
        int code = EX_OK;
        for (Exception next = e; next != null; next = next instanceof MessagingException me ? me.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException a) {
                err.println("sendmail: <" + a.getAddress().getAddress() + ">: " + a.getMessage().trim());
                code = worse(code, a.getReturnCode() >= 500 ? EX_NOUSER : EX_TEMPFAIL);
            } else if (next instanceof SMTPSendFailedException f) {
                err.println("sendmail: " + f.getMessage().trim());
                code = worse(code, f.getReturnCode() >= 500 ? EX_UNAVAILABLE : EX_TEMPFAIL);
            }
        }
        return code == EX_OK ? EX_TEMPFAIL : code;
    }

    private static int worse(int a, int b) {
        return a == EX_NOUSER || b == EX_NOUSER ? EX_NOUSER : a == EX_UNAVAILABLE || b == EX_UNAVAILABLE ? EX_UNAVAILABLE : b;
    }

    private int viaLmtp(Settings s, byte[] raw, String sender, List<String> rcpts, PrintWriter err) {
        String socket = s.string("receiver.lmtp.socket", "");
        String port = s.string("receiver.lmtp.port", "");
        if (socket.isEmpty() && port.isEmpty()) {
            err.println("sendmail: --lmtp needs receiver.lmtp.socket or receiver.lmtp.port in " + s.source());
            return EX_CONFIG;
        }
        Map<String, String> replies;
        try (LmtpSubmitter c = socket.isEmpty()
                ? LmtpSubmitter.tcp(s.string("receiver.lmtp.host", s.string("receiver.smtp.host", "127.0.0.1")), s.port("receiver.lmtp.port", 0))
                : LmtpSubmitter.unix(s.path("receiver.lmtp.socket", ""))) {
            replies = c.send(raw, sender, rcpts);
        } catch (IOException e) {
            err.println("sendmail: LMTP submission failed (is the server running?): " + e.getMessage());
            return EX_TEMPFAIL;
        }
        int code = EX_OK;
        for (Map.Entry<String, String> r : replies.entrySet()) {
            if (!r.getValue().startsWith("2")) {
                err.println("sendmail: <" + r.getKey() + ">: " + r.getValue());
                code = worse(code, r.getValue().startsWith("5") ? EX_NOUSER : EX_TEMPFAIL);
            }
        }
        return code;
    }
}
