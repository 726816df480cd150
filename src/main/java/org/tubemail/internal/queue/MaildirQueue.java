package org.tubemail.internal.queue;

import org.tubemail.internal.io.DiskFull;
import org.tubemail.internal.io.GroupSync;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A message queue kept in a maildir ({@code tmp/}, {@code new/}, {@code cur/}), safe for several
 * threads and several processes sharing one directory, and readable by any maildir tool.
 *
 * <ul>
 *   <li>{@link #push} writes into {@code tmp/}, syncs the file, renames it into {@code new/} and
 *       syncs {@code new/}; the returned key names a message that survives a crash.</li>
 *   <li>{@link #claim} takes the oldest message in {@code new/} by renaming it to
 *       {@code cur/KEY:2,}; only one rename of a file can succeed, so no two processes ever claim
 *       the same message. A claimed message stays on disk until {@link #remove}d, so a crash
 *       while processing loses nothing: {@link #recover} puts it back.</li>
 *   <li>{@link #pop} is {@link #claim} followed by deletion.</li>
 * </ul>
 *
 * <p>A key is the message's maildir base name (the part before {@code :2,}). Keys sort oldest
 * first by the time at the start of the name, so files dropped into {@code new/} by Postfix,
 * Dovecot or by hand are queued like our own. {@link #count} and {@link #keys} include claimed
 * messages (they are not finished yet) and ignore {@code tmp/}, whose files are not messages
 * until they are renamed. Every failure is a {@link QueueException} naming the path.
 */
public final class MaildirQueue implements MessageQueue {

    /** Files left in {@code tmp/} longer than this are abandoned writes (the maildir convention). */
    static final Duration STALE_TMP = Duration.ofHours(36);
    private static final String INFO = ":2,";

    private final GroupSync newDirectorySync = new GroupSync();
    private final java.util.concurrent.atomic.AtomicLong renamed = new java.util.concurrent.atomic.AtomicLong();
    private final Path dir;
    private final Path tmp;
    private final Path fresh;
    private final Path cur;
    private final DiskFull diskFull;
    private final MaildirNames names = new MaildirNames();
    /** Names seen in {@code new/} by the last listing, oldest first; refilled when used up. */
    private final Deque<String> candidates = new ArrayDeque<>();

    /** Opens the maildir at {@code dir}, creating it and its three folders when missing. */
    public MaildirQueue(Path dir) {
        this.dir = dir;
        this.tmp = dir.resolve("tmp");
        this.fresh = dir.resolve("new");
        this.cur = dir.resolve("cur");
        this.diskFull = DiskFull.of("maildir " + dir);
        try {
            Files.createDirectories(tmp);
            Files.createDirectories(fresh);
            Files.createDirectories(cur);
        } catch (IOException e) {
            throw new QueueException("cannot create maildir " + dir + ": " + e, e);
        }
    }

    /** The maildir's directory. */
    public Path dir() {
        return dir;
    }

    @Override
    public String push(byte[] message) {
        while (true) {
            String key = names.next();
            Path file = tmp.resolve(key);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(message);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            } catch (FileAlreadyExistsException e) {
                continue;
            } catch (IOException e) {
                deleteQuietly(file);
                diskFull.failed(e);
                throw new QueueException("cannot write " + file + ": " + e, e);
            }
            try {
                Files.move(file, fresh.resolve(key), StandardCopyOption.ATOMIC_MOVE);
                // concurrent pushers share one sync of new/ (group commit); each returns after a sync covering its rename
                newDirectorySync.await(renamed.incrementAndGet(), () -> {
                    long upTo = renamed.get();
                    syncDirectory(fresh);
                    return upTo;
                });
            } catch (IOException e) {
                deleteQuietly(file);
                diskFull.failed(e);
                throw new QueueException("cannot move " + file + " into " + fresh + ": " + e, e);
            }
            diskFull.wrote();
            return key;
        }
    }

    @Override
    public Optional<QueuedMessage> pop() {
        Optional<QueuedMessage> claimed = claim();
        claimed.ifPresent(m -> remove(m.key()));
        return claimed;
    }

    /**
     * Takes the oldest unclaimed message without deleting it: it moves to {@code cur/}, where no
     * other claimer sees it. Call {@link #remove} once it is processed.
     */
    @Override
    public Optional<QueuedMessage> claim() {
        for (int listing = 0; listing < 2; listing++) {
            String name;
            while ((name = nextCandidate(listing > 0)) != null) {
                Optional<QueuedMessage> m = claimFile(name);
                if (m.isPresent()) {
                    return m;
                }
            }
        }
        return Optional.empty();
    }

    /** A message this queue pushed lies in {@code new/} under its key; other keys claim nothing. */
    @Override
    public Optional<QueuedMessage> claim(String key) {
        if (key.isEmpty() || key.startsWith(".") || key.contains("/")) {
            return Optional.empty();
        }
        return claimFile(key);
    }

    /** Moves {@code new/name} to {@code cur/}; empty when another claimer moved it first. */
    private Optional<QueuedMessage> claimFile(String name) {
        String key = MaildirNames.keyOf(name);
        Path target = cur.resolve(key + INFO);
        try {
            Files.move(fresh.resolve(name), target, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (AtomicMoveNotSupportedException e) {
            throw new QueueException("maildir " + dir + " needs new/ and cur/ on one file system", e);
        } catch (IOException e) {
            throw new QueueException("cannot claim " + fresh.resolve(name) + ": " + e, e);
        }
        touch(target);
        return Optional.of(new QueuedMessage(key, read(target)));
    }

    /** The next name to try, listing {@code new/} again when the last listing is used up. */
    private String nextCandidate(boolean relist) {
        synchronized (candidates) {
            if (candidates.isEmpty() && relist) {
                candidates.addAll(list(fresh));
            }
            return candidates.pollFirst();
        }
    }

    /**
     * Puts every claimed message back into {@code new/} and deletes abandoned {@code tmp/} files.
     * Call at start-up, before claiming, when no other process is working on this maildir.
     *
     * @return the keys put back, oldest first
     */
    @Override
    public List<String> recover() {
        return recover(Duration.ZERO);
    }

    /**
     * Like {@link #recover()}, but only for messages claimed at least {@code claimedFor} ago, so
     * that other live processes keep what they are working on.
     */
    public List<String> recover(Duration claimedFor) {
        Instant limit = Instant.now().minus(claimedFor);
        List<String> back = new ArrayList<>();
        for (String name : list(cur)) {
            Path file = cur.resolve(name);
            if (modified(file).map(t -> t.isAfter(limit)).orElse(true)) {
                continue;
            }
            String key = MaildirNames.keyOf(name);
            try {
                Files.move(file, fresh.resolve(key), StandardCopyOption.ATOMIC_MOVE);
                back.add(key);
            } catch (NoSuchFileException e) {
                // finished or recovered meanwhile by another process
            } catch (IOException e) {
                throw new QueueException("cannot move " + file + " back into " + fresh + ": " + e, e);
            }
        }
        if (!back.isEmpty()) {
            syncDirectory(fresh);
        }
        Instant staleBefore = Instant.now().minus(STALE_TMP);
        for (String name : list(tmp)) {
            Path file = tmp.resolve(name);
            if (modified(file).map(t -> t.isBefore(staleBefore)).orElse(false)) {
                deleteQuietly(file);
            }
        }
        return back;
    }

    @Override
    public Optional<byte[]> get(String key) {
        return locate(key).flatMap(file -> {
            try {
                return Optional.of(Files.readAllBytes(file));
            } catch (NoSuchFileException e) {
                return get(key);
            } catch (IOException e) {
                throw new QueueException("cannot read " + file + ": " + e, e);
            }
        });
    }

    @Override
    public boolean remove(String key) {
        Optional<Path> file = locate(key);
        if (file.isEmpty()) {
            return false;
        }
        try {
            return Files.deleteIfExists(file.get()) || remove(key);
        } catch (IOException e) {
            throw new QueueException("cannot delete " + file.get() + ": " + e, e);
        }
    }

    @Override
    public int count() {
        return list(fresh).size() + list(cur).size();
    }

    /** Removes every message, claimed or not; writes still under way in {@code tmp/} are left alone. */
    @Override
    public void clear() {
        for (Path folder : List.of(fresh, cur)) {
            for (String name : list(folder)) {
                try {
                    Files.deleteIfExists(folder.resolve(name));
                } catch (IOException e) {
                    throw new QueueException("cannot delete " + folder.resolve(name) + ": " + e, e);
                }
            }
        }
    }

    /** Every key in {@code new/} and {@code cur/}, oldest first. */
    @Override
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (Path folder : List.of(fresh, cur)) {
            for (String name : list(folder)) {
                keys.add(MaildirNames.keyOf(name));
            }
        }
        keys.sort(MaildirNames.OLDEST_FIRST);
        return keys;
    }

    /** The file holding {@code key}: {@code new/KEY}, {@code cur/KEY:2,...} or one named by another writer. */
    private Optional<Path> locate(String key) {
        if (!MaildirNames.isKey(key)) {
            return Optional.empty();
        }
        for (Path candidate : List.of(fresh.resolve(key), cur.resolve(key + INFO))) {
            if (Files.exists(candidate)) {
                return Optional.of(candidate);
            }
        }
        for (Path folder : List.of(fresh, cur)) {
            for (String name : list(folder)) {
                if (MaildirNames.keyOf(name).equals(key)) {
                    return Optional.of(folder.resolve(name));
                }
            }
        }
        return Optional.empty();
    }

    /** The message names in {@code folder}, oldest first (dot files are not messages). */
    private List<String> list(Path folder) {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".")) {
                    out.add(name);
                }
            }
        } catch (IOException e) {
            throw new QueueException("cannot list " + folder + ": " + e, e);
        }
        out.sort(MaildirNames.OLDEST_FIRST);
        return out;
    }

    private byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new QueueException("cannot read " + file + " (it stays claimed until recovered): " + e, e);
        }
    }

    /** Marks when a message was claimed, for {@link #recover(Duration)}. */
    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        } catch (IOException e) {
            // only makes recovery by age less precise
        }
    }

    private static Optional<Instant> modified(Path file) {
        try {
            return Optional.of(Files.getLastModifiedTime(file).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void syncDirectory(Path folder) {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw new QueueException("cannot sync directory " + folder + ": " + e, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the write already failed; a leftover tmp file is ignored and later recovered
        }
    }

    @Override
    public String toString() {
        return "MaildirQueue[" + dir + "]";
    }
}
