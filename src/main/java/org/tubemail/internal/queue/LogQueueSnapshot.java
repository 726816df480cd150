package org.tubemail.internal.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a {@link LogQueue} held when this was read, read without its lock and without writing, so
 * that a running server's spool can be looked into: {@link #count}, {@link #keys} and {@link #get}
 * work; every change throws {@link QueueInUseException}. Messages the server finishes meanwhile may
 * still be listed, and {@link #get} of one whose segment is gone since finds nothing. A record
 * being written is not whole yet and is not listed.
 */
public final class LogQueueSnapshot implements MessageQueue {

    private record Entry(Path file, long offset, int length) {
    }

    private final Path dir;
    private final TreeMap<Long, Entry> messages = new TreeMap<>();

    private LogQueueSnapshot(Path dir) {
        this.dir = dir;
    }

    /**
     * Reads the log queue in {@code dir}.
     *
     * @throws QueueException when the folder cannot be read
     */
    public static LogQueueSnapshot read(Path dir) {
        LogQueueSnapshot snapshot = new LogQueueSnapshot(dir);
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.log")) {
            ds.forEach(files::add);
        } catch (NoSuchFileException e) {
            return snapshot;
        } catch (IOException e) {
            throw new QueueException("cannot read log queue " + dir + ": " + e.getMessage(), e);
        }
        files.sort(null);
        for (Path f : files) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                LogQueue.scan(ch, (message, id, offset, length) -> {
                    if (message) {
                        snapshot.messages.put(id, new Entry(f, offset, length));
                    } else {
                        snapshot.messages.remove(id);
                    }
                });
            } catch (NoSuchFileException e) {
                // the server dropped this segment meanwhile: every message in it was done
            } catch (IOException e) {
                throw new QueueException("cannot read " + f + ": " + e.getMessage(), e);
            }
        }
        return snapshot;
    }

    @Override
    public int count() {
        return messages.size();
    }

    @Override
    public List<String> keys() {
        return messages.keySet().stream().map(SequenceKeys::of).toList();
    }

    @Override
    public Optional<byte[]> get(String key) {
        Entry e;
        try {
            e = messages.get(Long.parseLong(key));
        } catch (NumberFormatException ex) {
            return Optional.empty();
        }
        if (e == null) {
            return Optional.empty();
        }
        try (FileChannel ch = FileChannel.open(e.file(), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(e.length());
            while (b.hasRemaining()) {
                if (ch.read(b, e.offset() + b.position()) < 0) {
                    return Optional.empty();
                }
            }
            return Optional.of(b.array());
        } catch (NoSuchFileException ex) {
            return Optional.empty();
        } catch (IOException ex) {
            throw new QueueException("cannot read " + e.file() + ": " + ex.getMessage(), ex);
        }
    }

    private QueueInUseException readOnly() {
        return new QueueInUseException("log queue " + dir + " is held by another process (a running server?): "
                + "it can be looked into, not changed; stop the server first", null);
    }

    @Override
    public String push(byte[] message) {
        throw readOnly();
    }

    @Override
    public Optional<QueuedMessage> pop() {
        throw readOnly();
    }

    @Override
    public Optional<QueuedMessage> claim() {
        throw readOnly();
    }

    @Override
    public Optional<QueuedMessage> claim(String key) {
        throw readOnly();
    }

    @Override
    public List<String> recover() {
        throw readOnly();
    }

    @Override
    public boolean remove(String key) {
        throw readOnly();
    }

    @Override
    public void clear() {
        throw readOnly();
    }

    @Override
    public String toString() {
        return "LogQueueSnapshot[" + dir + "]";
    }
}
