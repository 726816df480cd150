package org.tubemail.bench;

import org.tubemail.internal.app.TubemailServer;
import org.tubemail.internal.config.Settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The server of the soak run, configured as a deployment would be ({@link TubemailServer} from
 * settings: log spool, MapDB state, maildir queues, all under {@code HOME/run}) with
 * {@link SoakHandler}. Usage: {@code java -cp benchmarks.jar org.tubemail.bench.SoakServer PORT HOME};
 * prints {@code READY port} once listening, stops cleanly on SIGTERM and not at all on SIGKILL.
 */
public final class SoakServer {

    private SoakServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(Ports.arg(args, 0, "PORT"));
        Path home = Files.createDirectories(Path.of(Ports.arg(args, 1, "HOME")));
        TubemailServer server = TubemailServer.configure(Settings.of("soak-settings", home, Map.of(
                "receiver.smtp.port", String.valueOf(port),
                "http.port", "0",
                "receiver.accepted.domains", "example.com",
                "route.default.host", "example\\.com",
                "receiver.idle.timeout.seconds", "30",
                "receiver.trusted.networks", "127.0.0.1/32", // the load comes from one client: no per-client rates
                "handlers", SoakHandler.class.getName())));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(Duration.ofSeconds(10))));
        System.out.println("READY " + server.smtpPort());
        Thread.currentThread().join();
    }
}
