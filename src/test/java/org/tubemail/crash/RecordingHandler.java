package org.tubemail.crash;

import org.tubemail.mail.MailRequest;
import org.tubemail.routing.Route;
import org.tubemail.routing.RouteLike;

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
 * and synced before returning) and moves the sender's state along, so MapDB is written too.
 */
public class RecordingHandler {

    private final FileChannel log;

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

    private synchronized void record(MailRequest msg) throws IOException {
        log.write(ByteBuffer.wrap((msg.header("X-Seq").orElse("?") + "\n").getBytes(StandardCharsets.US_ASCII)));
        log.force(false);
    }
}
