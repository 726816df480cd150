package org.tubemail.internal.crash;

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
 * The handler of the crash test's server: records each message's {@code X-Seq} durably (appended
 * and synced before returning) and moves the sender's state along, so the state storage is written too.
 */
public class RecordingHandler {

    private final FileChannel log;
    /** How long each message takes, from {@code tubemail.crash.delay.ms}: a slow handler keeps routing threads busy. */
    private final long delayMillis = Long.getLong("tubemail.crash.delay.ms", 0);
    /** Whether each line also gives the client's address ({@code tubemail.crash.peer}). */
    private final boolean withPeer = Boolean.getBoolean("tubemail.crash.peer");

    public RecordingHandler() {
        try {
            Path file = Path.of(System.getProperty("tubemail.crash.log"));
            Files.createDirectories(file.getParent());
            log = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Route("load@(host)")
    public String START(MailRequest msg) throws IOException {
        record(msg);
        return "LOADING";
    }

    @RouteLike("START")
    public String LOADING(MailRequest msg) throws IOException {
        record(msg);
        return "START";
    }

    private void record(MailRequest msg) throws IOException {
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        append(msg);
    }

    private synchronized void append(MailRequest msg) throws IOException {
        String line = msg.header("X-Seq").orElse("?") + (withPeer ? " " + msg.peer() : "");
        log.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII)));
        log.force(false);
    }
}
