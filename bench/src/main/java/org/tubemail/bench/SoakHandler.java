package org.tubemail.bench;

import org.tubemail.boot.BootContext;
import org.tubemail.handler.Handler;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.mail.MailRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The soak run's handler: each message to {@code soak-(box)@example.com} flips its sender's state
 * between {@code START} and {@code SEEN} (one durable state change), and appends
 * {@code ID RECIPIENT MILLIS} to {@code routed.log} in the data folder, from which the report counts
 * what was routed and how long after acceptance. The line reaches the OS before the handler returns,
 * so it survives the {@code kill -9} the run makes (the process dies, not the machine).
 */
@Handler("bench.soak")
public final class SoakHandler {

    private final FileChannel routed;

    public SoakHandler(BootContext context) throws IOException {
        Files.createDirectories(context.dataDir());
        Path file = context.dataDir().resolve("routed.log");
        this.routed = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    @Route("soak-(box)@(host)")
    public String START(MailRequest msg) {
        record(msg);
        return "SEEN";
    }

    @RouteLike("START")
    public String SEEN(MailRequest msg) {
        record(msg);
        return "START";
    }

    private void record(MailRequest msg) {
        String line = msg.header("X-Soak-Id").orElse("-") + " " + msg.to() + " " + System.currentTimeMillis() + "\n";
        try {
            routed.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII))); // APPEND: one write, one line
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record " + line.strip(), e);
        }
    }
}
