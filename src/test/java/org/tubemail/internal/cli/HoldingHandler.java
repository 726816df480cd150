package org.tubemail.internal.cli;

import org.tubemail.boot.BootContext;
import org.tubemail.handler.Route;
import org.tubemail.mail.MailRequest;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For tests with a running server: {@code hold@(host)} waits (up to 30 s) until the file
 * {@code release} exists in the data folder, so its message stays in the spool meanwhile;
 * {@code fail@(host)} throws, so its message goes to the undeliverable queue.
 */
public class HoldingHandler {

    private final Path release;

    public HoldingHandler(BootContext context) {
        this.release = context.dataDir().resolve("release");
    }

    @Route("hold@(host)")
    public void START(MailRequest msg) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(release) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Route("fail@(host)")
    @org.tubemail.handler.Stateless
    public void fail(MailRequest msg) {
        throw new IllegalStateException("this handler always fails");
    }
}
