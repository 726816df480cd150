package org.tubemail.internal.queue;

import org.tubemail.internal.io.DiskFull;
import org.tubemail.internal.io.GroupSync;
import org.tubemail.internal.io.ZeroFilledTail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;

/**
 * A message queue in append-only log segments, for a spool that must take many messages per
 * second durably: concurrent {@link #push}es share one {@code fsync} (group commit) instead of
 * paying a file create, two syncs and a rename each, as a maildir does.
 *
 * <p>Each segment ({@code NNNNNNNNNN.log} in the folder) holds records {@code length, crc32, type,
 * id, bytes}: a message, or a mark that a message was removed. The segment being written runs
 * ahead of its records with zeros ({@link ZeroFilledTail}), which makes each sync cheaper.
 * Segments are deleted, oldest first, once every message in them is removed. Opening reads the
 * segments, oldest first, stopping in each at the first torn or damaged record (what a crash
 * mid-append leaves) or at the zeroed tail, and queues every message not marked
 * removed. Removal marks are not synced on their own, so after a crash a message removed just
 * before may be handed out again (at least once, like the maildir spool). One process per folder:
 * a lock file keeps others out.
 */
public final class LogQueue implements MessageQueue, AutoCloseable {

    /** Segment size after which a new segment starts. */
    static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    private static final byte MESSAGE = 1;
    private static final byte REMOVED = 2;
    private static final int HEADER = 4 + 4 + 1 + 8;
    /** Most bytes of records {@link #pushAll} writes at once (a single message may be larger). */
    private static final int MAX_WRITE = 1 << 20;

    private final Path dir;
    private final long segmentBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final GroupSync durability = new GroupSync();
    private final Map<Long, Segment> segments = new LinkedHashMap<>();
    private final TreeMap<Long, Entry> waiting = new TreeMap<>();
    private final TreeMap<Long, Entry> claimed = new TreeMap<>();
    private final FileChannel lockFile;
    private final DiskFull diskFull;
    /** Removal marks not written yet (the disk was full), by message id, with the message's segment. */
    private final Map<Long, Segment> unmarked = new LinkedHashMap<>();
    private Segment current;
    private long lastId;
    private long written;

    /** A segment file and how many of its messages are still queued. */
    private static final class Segment {
        final long number;
        final Path file;
        final FileChannel channel;
        final ZeroFilledTail tail;
        /** Where the next record goes: appends are positional writes, so no {@code lseek} per record. */
        long end;
        int live;

        Segment(long number, Path file) throws IOException {
            this.number = number;
            this.file = file;
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            this.tail = new ZeroFilledTail(channel);
        }
    }

    /** Where one queued message's bytes are. */
    private record Entry(Segment segment, long offset, int length) {
    }

    /** Opens (or creates) the queue in {@code dir}, queueing every message a previous run left. */
    public LogQueue(Path dir) {
        this(dir, SEGMENT_BYTES);
    }

    /** With another segment size, for tests. */
    LogQueue(Path dir, long segmentBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.diskFull = DiskFull.of("spool " + this);
        try {
            Files.createDirectories(dir);
            lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            boolean locked;
            try {
                locked = lockFile.tryLock() != null;
            } catch (java.nio.channels.OverlappingFileLockException e) {
                locked = false; // held by this process already
            }
            if (!locked) {
                lockFile.close();
                throw new QueueInUseException("log queue " + dir + " is in use by another process (a running server?)", null);
            }
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.log")) {
                ds.forEach(files::add);
            }
            files.sort(null);
            long lastNumber = 0;
            for (Path f : files) {
                long number = Long.parseLong(f.getFileName().toString().replace(".log", ""));
                Segment s = new Segment(number, f);
                segments.put(number, s);
                replay(s);
                lastNumber = number;
            }
            current = new Segment(lastNumber + 1, segmentPath(lastNumber + 1));
            segments.put(current.number, current);
            dropDrained();
        } catch (QueueException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new QueueException("cannot open log queue " + dir + ": " + e.getMessage(), e);
        }
    }

    private Path segmentPath(long number) {
        return dir.resolve(String.format("%010d.log", number));
    }

    /** What {@link #scan} finds in a segment: a message record, or a removal mark. */
    interface RecordVisitor {
        /** A whole, undamaged record whose payload is at {@code offset}, {@code length} bytes long. */
        void record(boolean message, long id, long offset, int length);
    }

    /**
     * Reads {@code channel}'s records from the start, stopping at the first torn or damaged record
     * or at the zeroed tail.
     *
     * @return where the last whole record ends
     */
    static long scan(FileChannel channel, RecordVisitor visitor) throws IOException {
        long size = channel.size();
        long pos = 0;
        ByteBuffer head = ByteBuffer.allocate(HEADER);
        while (pos + HEADER <= size) {
            head.clear();
            channel.read(head, pos);
            head.flip();
            int length = head.getInt();
            int crc = head.getInt();
            byte type = head.get();
            long id = head.getLong();
            if ((type != MESSAGE && type != REMOVED) || length < 0 || pos + HEADER + length > size) {
                break; // the zeroed tail, or a torn record
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            channel.read(body, pos + HEADER);
            if (crc != crcOf(type, id, body.array())) {
                break;
            }
            visitor.record(type == MESSAGE, id, pos + HEADER, length);
            pos += HEADER + length;
        }
        return pos;
    }

    private void replay(Segment s) throws IOException {
        long pos = scan(s.channel, (message, id, offset, length) -> {
            if (message) {
                waiting.put(id, new Entry(s, offset, length));
                s.live++;
            } else {
                Entry e = waiting.remove(id);
                if (e != null) {
                    e.segment().live--;
                }
            }
            lastId = Math.max(lastId, id);
        });
        s.channel.truncate(pos); // drop a torn or zeroed tail so later appends start clean
        s.end = pos;
        s.tail.truncated(pos);
    }

    private static int crcOf(byte type, long id, byte[] payload) {
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(ByteBuffer.allocate(8).putLong(id).array());
        crc.update(payload);
        return (int) crc.getValue();
    }

    /** Appends a record to the current segment; returns the offset of its payload. The lock is held. */
    private long append(byte type, long id, byte[] payload) throws IOException {
        long at = current.end;
        ByteBuffer rec = ByteBuffer.allocate(HEADER + payload.length);
        encode(rec, type, id, payload);
        write(rec.flip());
        return at + HEADER;
    }

    private static void encode(ByteBuffer into, byte type, long id, byte[] payload) {
        into.putInt(payload.length).putInt(crcOf(type, id, payload)).put(type).putLong(id).put(payload);
    }

    /** Writes records at the end of the current segment, with one positional write (no seek). The lock is held. */
    private void write(ByteBuffer records) throws IOException {
        long at = current.end;
        current.tail.reserve(at + records.remaining());
        while (records.hasRemaining()) {
            current.channel.write(records, at + records.position());
        }
        current.end = at + records.limit();
    }

    private static long id(String key) {
        try {
            return Long.parseLong(key);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String push(byte[] message) {
        return pushAll(List.of(message)).get(0);
    }

    /**
     * Appends every message, waits for one sync covering them all, and only then queues them, so
     * that no claimer routes a message that is not on disk yet (and whose sender may yet be told
     * it failed).
     */
    @Override
    public List<String> pushAll(List<byte[]> messages) {
        TreeMap<Long, Entry> appended = new TreeMap<>();
        long ticket;
        lock.lock();
        try {
            writeUnmarked();
            int from = 0;
            while (from < messages.size()) { // the records for one segment go in one write
                if (current.end > segmentBytes) {
                    rotate();
                }
                long at = current.end;
                int to = from;
                long bytes = 0;
                do {
                    bytes += HEADER + messages.get(to).length;
                    to++;
                } while (to < messages.size() && at + bytes <= segmentBytes && bytes + HEADER + messages.get(to).length <= MAX_WRITE);
                ByteBuffer records = ByteBuffer.allocate((int) bytes);
                for (int i = from; i < to; i++) {
                    byte[] message = messages.get(i);
                    long id = ++lastId;
                    appended.put(id, new Entry(current, at + records.position() + HEADER, message.length));
                    current.live++;
                    encode(records, MESSAGE, id, message);
                }
                write(records.flip());
                from = to;
            }
            ticket = ++written;
        } catch (IOException e) {
            undo(appended);
            diskFull.failed(e);
            throw new QueueException("cannot append to log queue " + dir + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
        durability.await(ticket, this::syncCurrent);
        diskFull.wrote();
        lock.lock();
        try {
            waiting.putAll(appended);
        } finally {
            lock.unlock();
        }
        return appended.keySet().stream().map(SequenceKeys::of).toList();
    }

    /**
     * Takes back the records of a batch that could not be appended whole (its clients are told it
     * failed): zeros over the first of them in each segment end that segment's records there, and
     * the next append in the current one overwrites them. Zeroing blocks that exist needs no space.
     * The lock is held.
     */
    private void undo(TreeMap<Long, Entry> appended) {
        Map<Segment, Long> firstOffset = new LinkedHashMap<>();
        for (Entry e : appended.values()) {
            firstOffset.putIfAbsent(e.segment(), e.offset() - HEADER);
            e.segment().live--;
        }
        firstOffset.forEach((segment, at) -> {
            try {
                segment.channel.write(ByteBuffer.allocate(HEADER), at);
                segment.end = at;
            } catch (IOException ignored) {
                // the records stay: after a restart they are routed although their clients were told to retry
            }
        });
    }

    /**
     * Appends the removal marks that could not be written when their messages were removed (a full
     * disk), for messages whose segment still exists. The lock is held.
     */
    private void writeUnmarked() throws IOException {
        var it = unmarked.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Segment> u = it.next();
            if (segments.containsKey(u.getValue().number)) {
                append(REMOVED, u.getKey(), new byte[0]);
            }
            it.remove();
        }
    }

    /** Yes: a batch shares one sync. */
    @Override
    public boolean syncsBatches() {
        return true;
    }

    private long syncCurrent() {
        FileChannel ch;
        long upTo;
        lock.lock();
        try {
            ch = current.channel;
            upTo = written;
        } finally {
            lock.unlock();
        }
        try {
            ch.force(false);
            return upTo;
        } catch (IOException e) {
            throw new QueueException("cannot sync log queue " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Starts a new segment after syncing the current one; the lock is held. */
    private void rotate() throws IOException {
        current.channel.force(false);
        durability.covered(written);
        Segment old = current;
        old.channel.truncate(old.end); // the zeroed tail is no longer needed
        current = new Segment(old.number + 1, segmentPath(old.number + 1));
        segments.put(current.number, current);
        dropDrained();
    }

    /**
     * Deletes the oldest segments while every message in them is removed. Only a drained prefix
     * may go: a removal mark always follows its message, so a drained segment that has an older,
     * undrained one may hold marks that still matter.
     */
    private void dropDrained() throws IOException {
        var it = segments.values().iterator();
        while (it.hasNext()) {
            Segment s = it.next();
            if (s == current || s.live > 0) {
                return;
            }
            it.remove();
            s.channel.close();
            Files.deleteIfExists(s.file);
        }
    }

    @Override
    public Optional<QueuedMessage> pop() {
        Optional<QueuedMessage> m = claim();
        m.ifPresent(q -> remove(q.key()));
        return m;
    }

    @Override
    public Optional<QueuedMessage> claim() {
        lock.lock();
        try {
            Map.Entry<Long, Entry> first = waiting.pollFirstEntry();
            if (first == null) {
                return Optional.empty();
            }
            return Optional.of(claimEntry(first.getKey(), first.getValue()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<QueuedMessage> claim(String key) {
        lock.lock();
        try {
            long id = id(key);
            Entry e = waiting.remove(id);
            return e == null ? Optional.empty() : Optional.of(claimEntry(id, e));
        } finally {
            lock.unlock();
        }
    }

    /** Hands back {@code pushed} instead of reading the record, when its length matches the record's. */
    @Override
    public Optional<QueuedMessage> claim(String key, byte[] pushed) {
        lock.lock();
        try {
            long id = id(key);
            Entry e = waiting.remove(id);
            if (e == null) {
                return Optional.empty();
            }
            claimed.put(id, e);
            return Optional.of(new QueuedMessage(SequenceKeys.of(id), e.length() == pushed.length ? pushed : read(e)));
        } finally {
            lock.unlock();
        }
    }

    /** Moves a message taken from {@code waiting} to {@code claimed}; the lock is held. */
    private QueuedMessage claimEntry(long id, Entry e) {
        claimed.put(id, e);
        return new QueuedMessage(SequenceKeys.of(id), read(e));
    }

    private byte[] read(Entry e) {
        ByteBuffer b = ByteBuffer.allocate(e.length());
        try {
            while (b.hasRemaining()) {
                if (e.segment().channel.read(b, e.offset() + b.position()) < 0) {
                    throw new IOException("unexpected end of " + e.segment().file);
                }
            }
        } catch (IOException ex) {
            throw new QueueException("cannot read " + e.segment().file + ": " + ex.getMessage(), ex);
        }
        return b.array();
    }

    @Override
    public List<String> recover() {
        lock.lock();
        try {
            List<String> back = new ArrayList<>();
            claimed.keySet().forEach(id -> back.add(SequenceKeys.of(id)));
            waiting.putAll(claimed);
            claimed.clear();
            return back;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        lock.lock();
        try {
            long id = id(key);
            Entry e = waiting.containsKey(id) ? waiting.get(id) : claimed.get(id);
            return e == null ? Optional.empty() : Optional.of(read(e));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean remove(String key) {
        lock.lock();
        try {
            long id = id(key);
            Entry e = waiting.remove(id);
            if (e == null) {
                e = claimed.remove(id);
            }
            if (e == null) {
                return false;
            }
            try {
                writeUnmarked();
                append(REMOVED, id, new byte[0]);
            } catch (IOException ex) {
                // written with a later append; lost only if the process dies first (then routed again: at least once)
                unmarked.put(id, e.segment());
                if (!diskFull.failed(ex)) {
                    throw new QueueException("cannot mark " + key + " removed in " + dir + " now: " + ex.getMessage(), ex);
                }
            } finally {
                if (--e.segment().live == 0) {
                    dropDrained();
                }
            }
            return true;
        } catch (IOException ex) {
            throw new QueueException("cannot drop drained segments of " + dir + ": " + ex.getMessage(), ex);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int count() {
        lock.lock();
        try {
            return waiting.size() + claimed.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void clear() {
        lock.lock();
        try {
            List<Long> all = new ArrayList<>(waiting.keySet());
            all.addAll(claimed.keySet());
            all.forEach(id -> remove(SequenceKeys.of(id)));
            current.channel.force(false);
        } catch (IOException e) {
            throw new QueueException("cannot clear log queue " + dir + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> keys() {
        lock.lock();
        try {
            TreeMap<Long, Entry> all = new TreeMap<>(waiting);
            all.putAll(claimed);
            return all.keySet().stream().map(SequenceKeys::of).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Syncs and closes the segment files. */
    @Override
    public void close() {
        lock.lock();
        try {
            current.channel.force(false);
            for (Segment s : segments.values()) {
                s.channel.close();
            }
            lockFile.close();
        } catch (IOException e) {
            throw new QueueException("cannot close log queue " + dir + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "LogQueue[" + dir + "]";
    }

    /** How many segment files exist (for tests). */
    int segmentCount() {
        lock.lock();
        try {
            return segments.size();
        } finally {
            lock.unlock();
        }
    }
}
