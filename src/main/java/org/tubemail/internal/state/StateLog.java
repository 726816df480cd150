package org.tubemail.internal.state;

import org.tubemail.internal.io.ZeroFilledTail;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * One append-only segment of the log of state changes in front of {@link MapDbStorage}'s checkpoints. Each record
 * is {@code length, crc32, module, key, state}; reading stops at the first torn or damaged record,
 * which is what a crash in the middle of an append leaves, or at the zeros that keep the file ahead
 * of its records ({@link ZeroFilledTail}). Not thread-safe: its owner locks.
 */
final class StateLog implements AutoCloseable {

    /** One logged change. */
    record Change(String module, String key, String state) {
    }

    private final Path file;
    private final FileChannel channel;
    private final ZeroFilledTail tail;
    /** Where the next record goes: appends are positional writes, so no {@code lseek} per record. */
    private long end;

    /** Opens a segment: an existing one to read, a new (empty) one to append to. */
    StateLog(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.tail = new ZeroFilledTail(channel);
    }

    /** Every intact record from the start, in order. */
    List<Change> readAll() throws IOException {
        List<Change> out = new ArrayList<>();
        ByteBuffer all = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE, channel.size()));
        channel.read(all, 0);
        all.flip();
        while (all.remaining() >= 8) {
            int length = all.getInt();
            int crc = all.getInt();
            if (length <= 0 || length > all.remaining()) {
                break; // the zeroed tail (no record is empty), or a torn one
            }
            byte[] payload = new byte[length];
            all.get(payload);
            CRC32 check = new CRC32();
            check.update(payload);
            if ((int) check.getValue() != crc) {
                break; // damaged tail
            }
            ByteBuffer p = ByteBuffer.wrap(payload);
            out.add(new Change(string(p), string(p), string(p)));
        }
        return out;
    }

    private static String string(ByteBuffer p) {
        byte[] b = new byte[p.getInt()];
        p.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Appends a record (to the OS, not yet to the disk: see {@link #sync()}). */
    void append(String module, String key, String state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        DataOutputStream payload = new DataOutputStream(bytes);
        for (String s : new String[]{module, key, state}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            payload.writeInt(b.length);
            payload.write(b);
        }
        byte[] p = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(p);
        ByteBuffer record = ByteBuffer.allocate(8 + p.length).putInt(p.length).putInt((int) crc.getValue()).put(p);
        record.flip();
        tail.reserve(end + record.remaining());
        while (record.hasRemaining()) {
            channel.write(record, end + record.position());
        }
        end += record.limit();
    }

    /** Forces every appended record to the disk. Safe to call while another thread appends. */
    void sync() throws IOException {
        channel.force(false);
    }

    /** The segment's file. */
    Path path() {
        return file;
    }

    /** Empties the log (after a checkpoint made its records redundant). */
    void reset() throws IOException {
        channel.truncate(0);
        end = 0;
        tail.truncated(0);
        channel.force(true);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
