package org.tubemail.bench;

import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A reference point rather than a baseline: SubEthaSMTP (a maintained Java SMTP library with a
 * thread per connection, which Tubemail's receiver was built on before its own event loop), as
 * shipped, with a message handler that reads each message and throws it away (no spool, no
 * routing, no state): what a server on that library could reach at most. Usage: {@code java -cp benchmarks.jar org.tubemail.bench.SubEthaSmtpDiscard PORT};
 * prints {@code READY port} once bound and runs until killed.
 */
public final class SubEthaSmtpDiscard {

    private SubEthaSmtpDiscard() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(Ports.arg(args, 0, "PORT"));
        SMTPServer server = SMTPServer.port(port)
                .bindAddress(java.net.InetAddress.getLoopbackAddress())
                .maxConnections(500)
                .messageHandlerFactory(context -> new Discard())
                .build();
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        System.out.println("READY " + port);
        Thread.currentThread().join();
    }

    /** Accepts every sender and recipient and drops the data. */
    private static final class Discard implements MessageHandler {
        @Override
        public void from(String from) {
        }

        @Override
        public void recipient(String recipient) {
        }

        @Override
        public String data(InputStream data) throws java.io.IOException {
            data.transferTo(OutputStream.nullOutputStream());
            return null;
        }

        @Override
        public void done() {
        }
    }
}
