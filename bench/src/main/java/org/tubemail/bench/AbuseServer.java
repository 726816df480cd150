package org.tubemail.bench;

import org.tubemail.internal.app.TubemailServer;
import org.tubemail.internal.config.Settings;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The server of the attack benchmark ({@code bench/run.sh abuse}): {@link TubemailServer} configured
 * from {@code HOME/config/settings.properties} exactly as a deployment is, so that every setting the
 * server knows (the defences against abuse included) can be given to it. run.sh writes that file
 * (SMTP and HTTP port, {@code example.com}, {@link SoakHandler}) and appends the operator's own
 * lines. Usage: {@code java -cp benchmarks.jar org.tubemail.bench.AbuseServer HOME}; prints
 * {@code READY smtpPort httpPort} once listening and stops cleanly on SIGTERM.
 */
public final class AbuseServer {

    private AbuseServer() {
    }

    public static void main(String[] args) throws Exception {
        TubemailServer server = TubemailServer.configure(Settings.load(Path.of(Ports.arg(args, 0, "HOME"))));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(Duration.ofSeconds(5))));
        System.out.println("READY " + server.smtpPort() + " " + server.httpPort());
        Thread.currentThread().join();
    }
}
