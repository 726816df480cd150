package org.tubemail.internal.server.imap;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.IdleManager;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.mail.HeaderEnvelope;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.HeaderRouting;
import org.tubemail.internal.server.Receiver;
import org.tubemail.mail.Envelope;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads a mailbox over IMAP or IMAPS and routes each message <b>once</b>, for mailboxes on
 * Microsoft 365, Gmail or any IMAP server that cannot forward to an SMTP listener.
 *
 * <p>Order of work for each new message (UIDs ascending): fetch it (without setting {@code \Seen}),
 * route it, wait until the state changes routing made are durable, record its UID (and its
 * Message-ID among those routed but not yet moved) in the {@link ImapProgressLog}, synced. Once
 * up to 50 messages are routed, or no more are waiting, one command moves, flags or deletes them on
 * the server and the record of unfinished ones is cleared. So a message stays on the server until
 * it is routed; after a restart the recorded UID says which messages are done, and routed ones
 * still in the folder are only moved. A crash between routing a message and recording its UID
 * routes that one message again at the next start (at most one repeat per crash: one message is
 * routed at a time).
 *
 * <p>A new UIDVALIDITY (the folder was recreated, the server's index rebuilt) makes every old UID
 * meaningless: the receiver then routes every message in the folder except those that carry the
 * routed flag ({@link ImapMailbox.After#FLAG}) and those routed but not yet moved (recorded by
 * Message-ID, or a hash of the content), so nothing is lost and nothing repeated.
 *
 * <p>Watching: IDLE where the server offers it (and {@code idle} is on). Plain connections are
 * watched by Angus Mail's {@link IdleManager}, which needs socket channels; TLS and STARTTLS
 * sockets have none, so there the mailbox's own thread blocks in {@link IMAPFolder#idle(boolean)},
 * and a keep-alive thread ends each IDLE with a NOOP after {@code pollInterval} (at most 25
 * minutes). Without IDLE the receiver polls every {@code pollInterval}. Whatever ends a wait, the
 * receiver then fetches every UID past the recorded one and, right before waiting again, asks the
 * server ({@code UID SEARCH}) whether mail arrived meanwhile, so no news is ever needed from
 * listener events. A dropped connection or a restarted server is reconnected with a backoff from 1
 * s doubling to 60 s.
 */
public final class ImapReceiver implements Receiver {

    private static final Logger LOG = LoggerFactory.getLogger(ImapReceiver.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    /** The longest blocking IDLE: servers may end one after 29 minutes of silence (RFC 2177). */
    private static final Duration MAX_IDLE = Duration.ofMinutes(25);
    /** How many routed messages one move, flag or delete command handles. */
    private static final int CHUNK = 50;

    private final ImapMailbox mailbox;
    private final Router router;
    private final Path progressFile;
    private final long maxMessageBytes;
    private final Session session;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean signalled;
    private volatile boolean running;
    private volatile Store store;
    private volatile IMAPFolder folder;
    private ExecutorService idleExecutor;
    private IdleManager idleManager;
    private volatile ScheduledExecutorService keepAlive;
    private Thread thread;
    private ImapProgressLog journal;
    private volatile ImapProgress progress = ImapProgress.NONE;

    /**
     * @param mailbox      what to watch
     * @param router       where messages go
     * @param progressFile    where the routed UIDs are recorded, e.g. {@code run/imap/NAME.progress}
     * @param maxMessageBytes larger messages are kept as undeliverable (and moved), not routed
     */
    public ImapReceiver(ImapMailbox mailbox, Router router, Path progressFile, long maxMessageBytes) {
        this.mailbox = mailbox;
        this.maxMessageBytes = maxMessageBytes;
        this.router = router;
        this.progressFile = progressFile;
        this.session = Session.getInstance(properties(mailbox));
    }

    private static Properties properties(ImapMailbox m) {
        String p = m.security() == ImapMailbox.Security.TLS ? "mail.imaps." : "mail.imap.";
        Properties props = new Properties();
        props.setProperty(p + "connectiontimeout", Long.toString(m.timeout().toMillis()));
        props.setProperty(p + "timeout", Long.toString(m.timeout().toMillis()));
        props.setProperty(p + "peek", "true");
        props.setProperty(p + "usesocketchannels", Boolean.toString(m.security() == ImapMailbox.Security.NONE)); // for IdleManager
        if (m.security() == ImapMailbox.Security.STARTTLS) {
            props.setProperty(p + "starttls.enable", "true");
            props.setProperty(p + "starttls.required", "true");
        }
        if (m.security() != ImapMailbox.Security.NONE) {
            // hosts in sslTrust are trusted without checks, as relay.ssl.trust does for the smarthost
            props.setProperty(p + "ssl.checkserveridentity", Boolean.toString(m.sslTrust().isEmpty()));
            if (!m.sslTrust().isEmpty()) {
                props.setProperty(p + "ssl.trust", m.sslTrust());
            }
        }
        if (m.tokens() != null) {
            props.setProperty(p + "auth.mechanisms", "XOAUTH2");
        }
        return props;
    }

    @Override
    public synchronized void start() {
        journal = new ImapProgressLog(progressFile);
        progress = journal.current();
        running = true;
        idleExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "imap-idle-" + mailbox.name());
            t.setDaemon(true);
            return t;
        });
        // its thread starts with the first blocking IDLE (TLS and STARTTLS connections only)
        keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "imap-keepalive-" + mailbox.name());
            t.setDaemon(true);
            return t;
        });
        thread = new Thread(this::run, "imap-" + mailbox.name());
        thread.start();
    }

    private void run() {
        Duration backoff = Duration.ofSeconds(1);
        while (running) {
            try {
                connect();
                backoff = Duration.ofSeconds(1);
                watch();
            } catch (MessagingException | RuntimeException e) {
                if (!running) {
                    break;
                }
                LOG.warn("{}: {}; reconnecting in {} s", mailbox, describe(e), backoff.toSeconds());
                disconnect();
                await(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        disconnect();
    }

    private static String describe(Exception e) {
        return e.getCause() != null && e.getCause() != e ? e + " (" + e.getCause().getMessage() + ")" : e.toString();
    }

    private void connect() throws MessagingException {
        Store s = session.getStore(mailbox.security() == ImapMailbox.Security.TLS ? "imaps" : "imap");
        String secret;
        try {
            secret = mailbox.tokens() != null ? mailbox.tokens().accessToken(mailbox.user()) : mailbox.password();
        } catch (Exception e) {
            throw new MessagingException("the token provider failed: " + e.getMessage(), e);
        }
        s.connect(mailbox.host(), mailbox.port(), mailbox.user(), secret);
        store = s;
        IMAPFolder f = (IMAPFolder) s.getFolder(mailbox.folder());
        f.open(Folder.READ_WRITE);
        folder = f;
        if (mailbox.after() == ImapMailbox.After.MOVE) {
            Folder target = s.getFolder(mailbox.moveTo());
            if (!target.exists() && !target.create(Folder.HOLDS_MESSAGES)) {
                throw new MessagingException("cannot create folder " + mailbox.moveTo());
            }
        }
        LOG.info("{}: connected, UIDVALIDITY {}, {} message(s) in the folder", mailbox, f.getUIDValidity(), f.getMessageCount());
    }

    /** How a connection learns of new mail. */
    private enum Watching {
        /** IDLE through the {@link IdleManager}, which watches socket channels: plain connections. */
        CHANNEL,
        /** IDLE blocking this mailbox's thread: TLS and STARTTLS connections, whose sockets have no channel. */
        BLOCKING,
        /** A NOOP every {@code pollInterval}: the server has no IDLE, or {@code idle} is off. */
        POLL
    }

    private Watching watching() throws MessagingException {
        if (!mailbox.idle() || !((IMAPStore) store).hasCapability("IDLE")) {
            return Watching.POLL;
        }
        return mailbox.security() == ImapMailbox.Security.NONE ? Watching.CHANNEL : Watching.BLOCKING;
    }

    private void watch() throws MessagingException {
        IMAPFolder f = folder;
        Watching how = watching();
        if (how == Watching.CHANNEL && idleManager == null) {
            try {
                idleManager = new IdleManager(session, idleExecutor);
            } catch (IOException e) {
                throw new MessagingException("cannot start the IDLE manager: " + e.getMessage(), e);
            }
        }
        f.addMessageCountListener(new MessageCountAdapter() {
            @Override
            public void messagesAdded(MessageCountEvent e) {
                signal();
            }
        });
        if (progress.uidValidity() == f.getUIDValidity()) {
            finishUnfinished(f); // the last run may have stopped between routing a message and moving it
        }
        int fruitless = 0;
        while (running) {
            long before = progress.routedUid();
            routeNew(f);
            if (!running) {
                return;
            }
            fruitless = progress.routedUid() > before ? 0 : fruitless + 1;
            // Mail that arrived while routing: a UID fetch goes through Angus's message cache, which
            // misses mail the server announced late or wrongly (see reselect), and an IDLE would then
            // wait for the next message. So the server is asked right before each wait; when it
            // holds mail that a pass did not find, the folder is selected again (twice at most).
            if (fruitless < 3 && newMailWaiting(f)) {
                if (fruitless > 0) {
                    reselect(f);
                }
                continue;
            }
            switch (how) {
                case CHANNEL -> {
                    idleManager.watch(f);
                    await(mailbox.pollInterval());
                    noop(f); // ends the IDLE; throws when the connection is gone
                }
                case BLOCKING -> idleHere(f);
                case POLL -> {
                    await(mailbox.pollInterval());
                    noop(f); // polls: the server answers with news of new mail
                }
            }
        }
    }

    /**
     * One blocking IDLE on this mailbox's thread, ended by the server's first news, or by a NOOP
     * from the keep-alive thread after {@code pollInterval} (at most {@link #MAX_IDLE}, below the
     * 29 minutes after which servers may end an IDLE), or by {@link #stop}.
     */
    private void idleHere(IMAPFolder f) throws MessagingException {
        Duration wait = mailbox.pollInterval().compareTo(MAX_IDLE) > 0 ? MAX_IDLE : mailbox.pollInterval();
        ScheduledFuture<?> wakeUp = keepAlive.schedule(() -> endIdle(f), wait.toMillis(), TimeUnit.MILLISECONDS);
        try {
            f.idle(true);
        } finally {
            wakeUp.cancel(false);
        }
    }

    /** Ends a blocking IDLE with a NOOP (Angus sends DONE first); a broken connection shows on the IDLE thread. */
    private void endIdle(IMAPFolder f) {
        try {
            if (f.isOpen()) {
                noop(f);
            }
        } catch (MessagingException | IllegalStateException e) {
            LOG.debug("{}: ending IDLE: {}", mailbox, e.getMessage());
        }
    }

    /**
     * Selects the folder again, for a fresh message cache. Angus ignores FETCH answers for sequence
     * numbers past the message count it knows, so when the server's EXISTS news leave that count
     * short, a UID fetch finds nothing of mail the server holds. GreenMail does this when mail
     * arrives during a MOVE: it sends {@code * 17 EXISTS} (the count after the move) before the
     * move's 16 EXPUNGEs, and the cache ends up 16 short. The cache is only short at its end, so
     * the sequence numbers it knows stay right.
     */
    private void reselect(IMAPFolder f) throws MessagingException {
        LOG.info("{}: the server holds mail past UID {} that the message cache misses; selecting the folder again", mailbox, progress.routedUid());
        f.close(false); // UNSELECT (or EXAMINE): nothing is expunged
        f.open(Folder.READ_WRITE);
    }

    /** Whether the folder holds a message past the recorded UID: one {@code UID SEARCH}, no message cache involved. */
    private boolean newMailWaiting(IMAPFolder f) throws MessagingException {
        long after = progress.routedUid();
        return (Boolean) f.doCommand(p -> {
            Response[] r = p.command("UID SEARCH UID " + (after + 1) + ":*", null);
            p.notifyResponseHandlers(r); // EXISTS and EXPUNGE news reach the folder
            p.handleResult(r[r.length - 1]);
            for (Response each : r) {
                if (each instanceof IMAPResponse ir && ir.keyEquals("SEARCH")) {
                    for (long uid = ir.readLong(); uid != -1; uid = ir.readLong()) {
                        if (uid > after) { // "n:*" also matches the last message when its UID is below n
                            return true;
                        }
                    }
                }
            }
            return false;
        });
    }

    /** A NOOP sent to the server (a cached message count is not a poll). */
    private static void noop(IMAPFolder f) throws MessagingException {
        f.doCommand(p -> {
            p.noop();
            return null;
        });
    }

    /** Routes every message past the recorded UID, in UID order. */
    private void routeNew(IMAPFolder f) throws MessagingException {
        long validity = f.getUIDValidity();
        if (progress.uidValidity() != validity && progress.uidValidity() != 0) {
            LOG.warn("{}: UIDVALIDITY changed from {} to {}: routing every message not yet routed", mailbox, progress.uidValidity(), validity);
            Set<String> routed = Set.of(progress.unfinished().split(" "));
            progress = new ImapProgress(validity, 0, progress.unfinished());
            journal.record(progress);
            Message[] all = f.getMessages();
            prefetch(f, all);
            routeInChunks(f, all, validity, m -> mailbox.after() == ImapMailbox.After.FLAG && hasFlag(m)
                    || routed.contains(identity((IMAPMessage) m, null)));
            return;
        }
        if (progress.uidValidity() == 0) {
            progress = new ImapProgress(validity, 0, "");
            journal.record(progress);
        }
        Message[] messages = f.getMessagesByUID(progress.routedUid() + 1, UIDFolder.MAXUID);
        prefetch(f, messages);
        routeInChunks(f, messages, validity, m -> false);
    }

    /** Whether a message was routed already, though its UID is past the recorded one (after a UIDVALIDITY change). */
    private interface Routed {
        boolean test(Message m) throws MessagingException;
    }

    /**
     * Routes messages in chunks of {@link #CHUNK}: each routed message's UID is recorded before the
     * next is routed, and one command moves, flags or deletes the chunk.
     */
    private void routeInChunks(IMAPFolder f, Message[] messages, long validity, Routed routedAlready) throws MessagingException {
        List<Message> chunk = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        FetchProfile whole = new FetchProfile();
        whole.add(IMAPFolder.FetchProfileItem.MESSAGE);
        for (int i = 0; i < messages.length; i++) {
            Message m = messages[i];
            if (i % CHUNK == 0) {
                // the next messages' content in one command: one round trip instead of one per message
                f.fetch(java.util.Arrays.copyOfRange(messages, i, Math.min(messages.length, i + CHUNK)), whole);
            }
            long uid = f.getUID(m);
            if (!running) {
                break;
            }
            if (uid <= progress.routedUid() || m.isExpunged()) {
                continue;
            }
            boolean skip = routedAlready.test(m);
            String id;
            if (skip) {
                id = identity((IMAPMessage) m, null);
            } else {
                byte[] raw = raw((IMAPMessage) m);
                if (!route(raw, uid)) {
                    break;
                }
                id = identity((IMAPMessage) m, raw);
            }
            if (!skip || mailbox.after() != ImapMailbox.After.FLAG) {
                chunk.add(m);
                ids.add(id);
            }
            progress = new ImapProgress(validity, uid, String.join(" ", ids));
            journal.record(progress);
            if (chunk.size() >= CHUNK) {
                finishChunk(f, chunk, ids, validity);
            }
        }
        finishChunk(f, chunk, ids, validity);
    }

    private void finishChunk(IMAPFolder f, List<Message> chunk, List<String> ids, long validity) throws MessagingException {
        if (chunk.isEmpty()) {
            return;
        }
        afterRouting(f, chunk.toArray(new Message[0]));
        chunk.clear();
        ids.clear();
        progress = new ImapProgress(validity, progress.routedUid(), "");
        journal.record(progress);
    }

    /** UIDs, flags and envelopes (for Message-IDs) of {@code messages} in one command. */
    private static void prefetch(IMAPFolder f, Message[] messages) throws MessagingException {
        FetchProfile profile = new FetchProfile();
        profile.add(UIDFolder.FetchProfileItem.UID);
        profile.add(FetchProfile.Item.FLAGS);
        profile.add(FetchProfile.Item.ENVELOPE);
        f.fetch(messages, profile);
    }

    /** After a (re)connection: applies the after-routing action to recorded messages still in the folder. */
    private void finishUnfinished(IMAPFolder f) throws MessagingException {
        if (progress.unfinished().isEmpty() || progress.routedUid() == 0) {
            return;
        }
        List<Message> left = new ArrayList<>();
        Message[] recorded = f.getMessagesByUID(1, progress.routedUid());
        prefetch(f, recorded);
        for (Message m : recorded) {
            if (m != null && !m.isExpunged() && !(mailbox.after() == ImapMailbox.After.FLAG && hasFlag(m))) {
                left.add(m);
            }
        }
        if (!left.isEmpty()) {
            LOG.info("{}: finishing {} message(s) routed before the connection ended", mailbox, left.size());
            afterRouting(f, left.toArray(new Message[0]));
        }
        progress = new ImapProgress(progress.uidValidity(), progress.routedUid(), "");
        journal.record(progress);
    }

    private boolean hasFlag(Message m) throws MessagingException {
        Flags flags = m.getFlags();
        return systemFlag(mailbox.flag()) != null ? flags.contains(systemFlag(mailbox.flag())) : flags.contains(mailbox.flag());
    }

    private static Flags.Flag systemFlag(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "\\seen" -> Flags.Flag.SEEN;
            case "\\flagged" -> Flags.Flag.FLAGGED;
            case "\\answered" -> Flags.Flag.ANSWERED;
            default -> null;
        };
    }

    /** Message-ID, or the content's hash when there is none. */
    private static String identity(IMAPMessage m, byte[] raw) throws MessagingException {
        String id = m.getMessageID();
        if (id != null && !id.isBlank()) {
            return id.strip();
        }
        return "sha256:" + HexFormat.of().formatHex(sha256(raw != null ? raw : raw(m)));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] raw(IMAPMessage m) throws MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            m.writeTo(out);
        } catch (IOException e) {
            throw new MessagingException("cannot fetch message: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * Routes one message and waits until the state changes it made are durable.
     *
     * @return false when the receiver stopped first (the message is then routed again at the next start)
     */
    private boolean route(byte[] raw, long uid) {
        Optional<Envelope> envelope = mailbox.address().isEmpty() ? HeaderEnvelope.of(raw)
                : Optional.of(new Envelope("", HeaderEnvelope.of(raw).map(Envelope::mailFrom).orElse(""), List.of(mailbox.address())));
        String source = "IMAP message " + uid + " of " + mailbox;
        CountDownLatch durable = new CountDownLatch(1);
        router.storage().deferDurability(() -> HeaderRouting.route(router, envelope, raw, source, maxMessageBytes, Router.Rejects.KEEP,
                "imap-" + mailbox.name()), durable::countDown);
        try {
            while (!durable.await(1, TimeUnit.SECONDS)) {
                if (!running) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void afterRouting(IMAPFolder f, Message[] done) throws MessagingException {
        switch (mailbox.after()) {
            case MOVE -> {
                Folder target = store.getFolder(mailbox.moveTo());
                if (((IMAPStore) store).hasCapability("MOVE")) {
                    f.moveMessages(done, target);
                } else {
                    f.copyMessages(done, target);
                    f.setFlags(done, new Flags(Flags.Flag.DELETED), true);
                    expunge(f, done);
                }
            }
            case FLAG -> {
                Flags.Flag system = systemFlag(mailbox.flag());
                f.setFlags(done, system != null ? new Flags(system) : new Flags(mailbox.flag()), true);
            }
            case DELETE -> {
                f.setFlags(done, new Flags(Flags.Flag.DELETED), true);
                expunge(f, done);
            }
        }
    }

    /** Expunges only {@code done} where the server can (UIDPLUS), else every deleted message. */
    private void expunge(IMAPFolder f, Message[] done) throws MessagingException {
        if (((IMAPStore) store).hasCapability("UIDPLUS")) {
            f.expunge(done);
        } else {
            f.expunge();
        }
    }

    private void signal() {
        lock.lock();
        try {
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for {@code d}, news of new mail, or stop. */
    private void await(Duration d) {
        lock.lock();
        try {
            long nanos = d.toNanos();
            while (!signalled && running && nanos > 0) {
                nanos = wake.awaitNanos(nanos);
            }
            signalled = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    private void disconnect() {
        IMAPFolder f = folder;
        folder = null;
        Store s = store;
        store = null;
        try {
            if (f != null && f.isOpen()) {
                f.close(false);
            }
        } catch (MessagingException | IllegalStateException e) {
            LOG.debug("{}: closing the folder: {}", mailbox, e.getMessage());
        }
        try {
            if (s != null) {
                s.close();
            }
        } catch (MessagingException e) {
            LOG.debug("{}: closing the connection: {}", mailbox, e.getMessage());
        }
    }

    /** Stops after the message being routed, if any; what is not routed stays on the server. */
    @Override
    public synchronized void stop(Duration grace) {
        running = false;
        signal();
        IMAPFolder idling = folder;
        if (keepAlive != null && idling != null) {
            keepAlive.execute(() -> endIdle(idling)); // a blocking IDLE ends at once
        }
        if (thread != null) {
            try {
                thread.join(Math.min(grace.toMillis(), 2000));
                if (thread.isAlive()) {
                    disconnect(); // ends a blocking IDLE
                    thread.join(grace.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (idleManager != null) {
            idleManager.stop();
        }
        if (idleExecutor != null) {
            idleExecutor.shutdownNow();
        }
        if (keepAlive != null) {
            keepAlive.shutdownNow();
        }
        if (journal != null && (thread == null || !thread.isAlive())) {
            journal.close();
        }
    }

    /** The recorded progress, for tests and status. */
    ImapProgress progress() {
        return progress;
    }
}
