package org.tubemail.internal.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Every whole record of a log spool's segments, messages and removal marks alike, read without
 * changing anything: what crash tests look through to say where a lost message was last seen
 * (a {@link LogQueue} opened on the folder would drop drained segments, and a {@link
 * LogQueueSnapshot} shows only the messages still queued).
 */
public final class LogSpoolRecords {

    /** One record: a message ({@code payload} as pushed) or a removal mark ({@code payload} empty). */
    public record Record(Path segment, long id, boolean message, byte[] payload) {
    }

    private LogSpoolRecords() {
    }

    /** The records of every segment in {@code dir}, oldest segment first; none when the folder is missing. */
    public static List<Record> read(Path dir) throws IOException {
        List<Record> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.log")) {
            ds.forEach(files::add);
        }
        files.sort(null);
        for (Path f : files) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                LogQueue.scan(ch, (message, id, offset, length) -> {
                    ByteBuffer b = ByteBuffer.allocate(length);
                    try {
                        while (b.hasRemaining() && ch.read(b, offset + b.position()) >= 0) {
                            // read on
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    out.add(new Record(f, id, message, b.array()));
                });
            }
        }
        return out;
    }
}
