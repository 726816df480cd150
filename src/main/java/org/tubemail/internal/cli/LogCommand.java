package org.tubemail.internal.cli;

import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.smtp.SmtpReceiver;
import org.tubemail.internal.server.tls.TlsContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A server that stores every message it receives, for any address, into a maildir. It offers
 * STARTTLS with a self-signed certificate under {@code run/tls/} (made on first use), so that TLS
 * clients can be tried against it.
 */
@Command(name = "log", mixinStandardHelpOptions = true,
        description = "Run an SMTP server that only stores every message it receives (any address) into a maildir.")
final class LogCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    TubemailCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Listen address (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8826", description = "Listen port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--maildir", defaultValue = "run/logged", description = "Where messages go (default ${DEFAULT-VALUE}).")
    Path maildir;

    /** Starts a logging server on {@code host:port} that stores into {@code store}, spooling under {@code home/run}. */
    static SmtpReceiver startLogServer(Path home, String host, int port, MaildirQueue store) throws java.io.IOException {
        Router router = Router.builder().undeliverable(store).handlers(new LogHandler(store)).build();
        ReceiverSettings settings = new ReceiverSettings(host, port, Set.of("*"), 50L * 1024 * 1024, 1000, Duration.ofSeconds(60), 200, 2);
        TlsContext tls = TlsContext.loadOrGenerate(null, null, home.resolve("run/tls"), SmtpReceiver.localName());
        SmtpReceiver receiver = new SmtpReceiver(settings, router, new MaildirQueue(home.resolve("run/log-spool")), ConnectionSecurity.tls(tls));
        receiver.start();
        return receiver;
    }

    @Override
    public Integer call() throws Exception {
        Path home = cli.home();
        cli.crypto();
        SmtpReceiver receiver = startLogServer(home, host, port, new MaildirQueue(home.resolve(maildir)));
        spec.commandLine().getOut().println("logging every message sent to " + host + ":" + receiver.port() + " into "
                + home.resolve(maildir) + " (Ctrl-C to stop)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            receiver.stop(Duration.ofSeconds(10));
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
