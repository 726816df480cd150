package org.tubemail.internal.server.smtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.io.FreeSpace;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.RecipientPolicy;
import org.tubemail.internal.server.guard.BlocklistScreen;
import org.tubemail.internal.server.guard.ClientLimiter;
import org.tubemail.internal.server.guard.ClientLimits;
import org.tubemail.internal.server.guard.TalkerSettings;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An SMTP listener on one thread: a {@link Selector} loop accepts connections and reads, parses
 * and answers every command of every session ({@link SmtpConnection}, {@link SmtpDialog}); only a
 * finished message leaves the thread, for the {@link SmtpConnection.MessageSink}, which may block
 * (on a disk sync, say) without holding up other sessions.
 *
 * <p>Why not a thread per connection (as SubEthaSMTP does): each command then costs a blocked read
 * and a thread wake-up: that library alone, storing nothing, reached 0.45x to 0.62x of
 * {@code smtp-sink}'s rate on two cores, spending about twice this loop's CPU per message. Here a
 * busy loop finds several sessions ready per {@code epoll} call and wakes no other thread until a
 * message is complete.
 *
 * <p>Limits: more than {@code maxConnections} connections get {@code 421} at once; a connection
 * that neither sends nor takes its replies for the idle timeout, while no message of it is being
 * stored or routed, gets {@code 421} and is closed. Per-client limits come first
 * ({@link ClientLimiter}); {@code maxConnections} is the last wall. Early, slow and noisy talkers are cut off as
 * {@link TalkerSettings} say; what waits for a time (a delayed greeting, a reply held back by the
 * error tarpit) waits in {@link LoopTimers}, never by sleeping on the loop's thread.
 */
final class SmtpLoop {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpLoop.class);

    private final ReceiverSettings settings;
    private final String host;
    private final RecipientPolicy policy;
    private final FreeSpace space;
    private final SmtpConnection.MessageSink sink;
    private final ConnectionSecurity security;
    /** Runs TLS handshakes' expensive steps off the loop's thread; {@code null} without TLS. */
    private final ExecutorService tlsTasks;
    private final Selector selector;
    private final ServerSocketChannel listener;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Set<SmtpConnection> connections = new HashSet<>();
    private final AtomicLong ids = new AtomicLong();
    private final String idPrefix = Long.toString(System.currentTimeMillis(), 36) + ".";
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean stopping;
    private volatile boolean stopped;
    /** Set by a drain: new connections get {@code 421 4.3.2}. */
    private volatile boolean refusingNew;
    private volatile int open;
    private Monitor monitor = Monitor.NONE;
    private ClientLimiter clients = new ClientLimiter(ClientLimits.NONE, Monitor.NONE);
    private TalkerSettings talkers = TalkerSettings.DEFAULTS;
    private final LoopTimers timers = new LoopTimers();
    /** What a session hears when the loop fails on its behalf (never the exception itself). */
    private static final String INTERNAL_ERROR = "421 4.3.0 Internal error, closing the connection";
    /** How long accepting pauses when it fails (no file descriptor left). */
    static final int ACCEPT_PAUSE_MILLIS = 100;
    private long lastAcceptWarning;
    private final Runnable resumeAccepting;
    private BlocklistScreen screen;

    /**
     * Binds the listening socket (so a port in use fails here, in the caller's thread).
     *
     * @param host     the name this server gives in its greeting and trace lines
     * @param space    the spool's free-space watermark, checked at {@code MAIL}
     * @param security STARTTLS and PROXY protocol settings
     */
    SmtpLoop(ReceiverSettings settings, String host, RecipientPolicy policy, FreeSpace space, SmtpConnection.MessageSink sink,
             ConnectionSecurity security) throws IOException {
        this.settings = settings;
        this.host = host;
        this.policy = policy;
        this.space = space;
        this.sink = sink;
        this.security = security;
        this.tlsTasks = security.tls() == null ? null : Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
            Thread t = new Thread(r, "tls-handshake");
            t.setDaemon(true);
            return t;
        });
        this.selector = Selector.open();
        this.listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(new InetSocketAddress(settings.host(), settings.port()), 1024);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            listener.close();
            selector.close();
            throw e;
        }
        this.resumeAccepting = () -> {
            SelectionKey key = listener.keyFor(selector);
            if (key != null && key.isValid()) {
                key.interestOps(SelectionKey.OP_ACCEPT);
            }
        };
        // what a pause of accepting runs is loaded now: with no descriptor left, no class file can be opened
        timers.schedule(System.nanoTime(), 1, () -> { });
        this.thread = new Thread(this::run, "smtp-loop-" + port());
    }

    /** The bound port. */
    int port() {
        return listener.socket().getLocalPort();
    }

    /** Starts the loop's thread. */
    void start() {
        thread.start();
    }

    SmtpConnection.MessageSink sink() {
        return sink;
    }

    /** Sets where connections and refusals are reported (before {@link #start}). */
    void monitor(Monitor m) {
        this.monitor = m;
    }

    Monitor monitor() {
        return monitor;
    }

    /** Sets the per-client limits (before {@link #start}). */
    void clients(ClientLimiter limiter) {
        this.clients = limiter;
    }

    ClientLimiter clients() {
        return clients;
    }

    /** Sets how early, slow and noisy talkers are treated (before {@link #start}). */
    void talkers(TalkerSettings t) {
        this.talkers = t;
    }

    TalkerSettings talkers() {
        return talkers;
    }

    /** The name this server gives in its greeting and replies. */
    String host() {
        return host;
    }

    /** Runs {@code task} on the loop's thread after {@code delayNanos}; only the loop's thread calls it. */
    void schedule(long delayNanos, Runnable task) {
        timers.schedule(System.nanoTime(), delayNanos, task);
    }

    /** Sets the DNS lists every client is screened against, or null for none (before {@link #start}). */
    void screen(BlocklistScreen s) {
        this.screen = s;
    }

    BlocklistScreen screen() {
        return screen;
    }

    ConnectionSecurity security() {
        return security;
    }

    /** Where TLS handshakes compute (key exchange, signatures), so that the loop serves others meanwhile. */
    Executor tlsTasks() {
        return tlsTasks;
    }

    /** Whether the listener is shutting down (connections close after their current reply). */
    boolean stopping() {
        return stopping;
    }

    /** Whether the loop's thread runs: false once the loop ended, whether stopped or failed. */
    boolean running() {
        return thread.isAlive();
    }

    /** How many client connections are open. */
    int openConnections() {
        return open;
    }

    /** Runs {@code task} on the loop's thread. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** New connections get {@code 421 4.3.2} and are closed; open ones go on. */
    void refuseNew() {
        refusingNew = true;
    }

    /**
     * Stops accepting, closes the connections that are not waiting for a message to be stored
     * ({@code 421}), waits up to {@code grace} for the others to get their reply, then closes them too.
     */
    void stop(Duration grace) {
        if (stopped) {
            return;
        }
        execute(this::beginStop);
        long deadline = System.nanoTime() + grace.toNanos();
        while (open > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stopped = true;
        selector.wakeup();
        try {
            finished.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void beginStop() {
        stopping = true;
        closeQuietly(listener);
        for (SmtpConnection c : new ArrayList<>(connections)) {
            if (!c.waiting()) {
                c.close("421 4.3.2 " + host + " is shutting down, try again later");
            }
        }
    }

    private void run() {
        long idleNanos = settings.idleTimeout().toNanos();
        long checkEvery = Math.max(1, Math.min(1000, settings.idleTimeout().toMillis() / 4));
        long nextIdleCheck = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(checkEvery);
        try {
            while (!stopped) {
                selector.select(timers.isEmpty() ? checkEvery : timers.millisToNext(System.nanoTime(), checkEvery));
                // idleness is judged as of the select: bytes that come while the loop works through the
                // ready keys below are read at the next select, and a slow pass must not count against them
                long selected = System.nanoTime();
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    runTask(task);
                }
                if (!timers.isEmpty()) {
                    timers.runDue(System.nanoTime(), SmtpLoop::runTask);
                }
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (key.isValid() && key.isAcceptable()) {
                        accept();
                    } else if (key.isValid() && key.attachment() instanceof SmtpConnection c) {
                        guarded(() -> {
                            if (key.isReadable()) {
                                c.readable();
                            } else if (key.isWritable()) {
                                c.writable();
                            }
                        }, c);
                    }
                }
                if (selected >= nextIdleCheck) {
                    nextIdleCheck = selected + TimeUnit.MILLISECONDS.toNanos(checkEvery);
                    for (SmtpConnection c : new ArrayList<>(connections)) {
                        if (c.idleFor(idleNanos, selected)) {
                            c.close(c.dialog().timeout());
                        } else {
                            c.checkPace(selected);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            // the listener is gone: SmtpReceiver.listening() (readiness) turns false with this thread
            LOG.error("SMTP listener on port {} failed, no longer accepting mail: {}", settings.port(), e.toString(), e);
        } finally {
            for (SmtpConnection c : new ArrayList<>(connections)) {
                c.close(null);
            }
            closeQuietly(listener);
            closeQuietly(selector);
            if (tlsTasks != null) {
                tlsTasks.shutdownNow();
            }
            finished.countDown();
        }
    }

    private static void runTask(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("SMTP listener task failed: {}", e.toString(), e);
        }
    }

    /** The loop thread survives a failing session: that session is closed, the others go on. */
    private interface IoTask {
        void run() throws IOException;
    }

    private void guarded(IoTask task, SmtpConnection c) {
        try {
            task.run();
        } catch (IOException e) {
            c.close(null);
        } catch (RuntimeException e) {
            LOG.error("{} failed: {}", c, e.toString(), e);
            c.close(INTERNAL_ERROR);
        }
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while (!stopping && (ch = acceptOrPause()) != null) {
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                LOG.debug("SMTP listener on port {}: dropping a connection that failed at once: {}", settings.port(), e.toString());
                closeQuietly(ch);
                continue;
            }
            if (refusingNew) {
                refuse(ch, "421 4.3.2 " + host + " is shutting down, try again later", null);
                continue;
            }
            if (connections.size() >= settings.maxConnections() && !makeRoomFor(ch)) {
                refuse(ch, SmtpDialog.tooManyConnections(host), "max_connections");
                continue;
            }
            admit(ch);
        }
    }

    /** Registers and greets a new connection; one that fails is closed alone, and the listener goes on. */
    private void admit(SocketChannel ch) {
        SmtpConnection c = null;
        try {
            SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
            c = new SmtpConnection(this, ch, key,
                    new SmtpDialog(host, settings, policy, space, security.tls() != null, security.tlsRequired()),
                    idPrefix + Long.toString(ids.incrementAndGet(), 36), settings.maxMessageBytes());
            key.attach(c);
            connections.add(c);
            open = connections.size();
            c.open();
        } catch (IOException | RuntimeException e) {
            LOG.error("SMTP listener on port {}: cannot open a new connection: {}", settings.port(), e.toString(), e);
            if (c != null && connections.contains(c)) {
                c.close(INTERNAL_ERROR);
            } else {
                closeQuietly(ch);
            }
        }
    }

    /**
     * The next pending connection, or {@code null}. When the process is out of file descriptors
     * (or the kernel of socket memory), accepting stops for {@value #ACCEPT_PAUSE_MILLIS} ms with a
     * warning, the pending clients wait in the backlog, and the connections already open go on:
     * the listener does not fail for want of a descriptor.
     */
    private SocketChannel acceptOrPause() {
        try {
            return listener.accept();
        } catch (IOException e) {
            SelectionKey key = listener.keyFor(selector);
            long now = System.nanoTime();
            if (now - lastAcceptWarning > TimeUnit.SECONDS.toNanos(10) || lastAcceptWarning == 0) {
                lastAcceptWarning = now;
                LOG.warn("SMTP listener on port {}: cannot accept ({}), {} connections open; accepting again in {} ms",
                        settings.port(), e.getMessage(), connections.size(), ACCEPT_PAUSE_MILLIS);
            }
            if (key != null && key.isValid()) {
                key.interestOps(0);
                schedule(TimeUnit.MILLISECONDS.toNanos(ACCEPT_PAUSE_MILLIS), resumeAccepting);
            }
            return null;
        }
    }

    /**
     * At the last wall, a newcomer is not shut out by a client that holds several connections: the
     * quietest connection of the client holding the most (at least two more than the newcomer, none
     * of its messages being stored, never a trusted client's) is closed with {@code 421 4.3.2} to
     * make room. Only when no client holds two more than the newcomer does the newcomer get the
     * {@code 421} (one address, one connection: then the wall is full of distinct clients).
     *
     * @return whether a connection was closed for {@code ch}
     */
    private boolean makeRoomFor(SocketChannel ch) {
        InetSocketAddress from;
        try {
            from = ch.getRemoteAddress() instanceof InetSocketAddress a ? a : null;
        } catch (IOException e) {
            return false;
        }
        if (from == null) {
            return false;
        }
        Map<String, Integer> held = new HashMap<>();
        for (SmtpConnection c : connections) {
            if (!c.trusted()) {
                held.merge(c.clientKey(), 1, Integer::sum);
            }
        }
        String newcomer = clients.key(from.getAddress()).toString();
        Map.Entry<String, Integer> most = held.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(null);
        if (most == null || most.getValue() < held.getOrDefault(newcomer, 0) + 2) {
            return false;
        }
        SmtpConnection quietest = null;
        for (SmtpConnection c : connections) {
            if (!c.trusted() && !c.waiting() && c.clientKey().equals(most.getKey())
                    && (quietest == null || c.lastActive() < quietest.lastActive())) {
                quietest = c;
            }
        }
        if (quietest == null) {
            return false;
        }
        String reply = "421 4.3.2 " + host + " Too many connections from " + most.getKey() + ", making room for other clients, try again later";
        monitor.clientRefused(most.getKey(), "max_connections_yield", reply);
        quietest.close(reply);
        return true;
    }

    /** Answers {@code reply} and closes; {@code reason}, when not null, reports it as a refused client. */
    private void refuse(SocketChannel ch, String reply, String reason) {
        try {
            if (reason != null && ch.getRemoteAddress() instanceof InetSocketAddress a) {
                monitor.clientRefused(clients.key(a.getAddress()).toString(), reason, reply);
            }
            ch.write(ByteBuffer.wrap((reply + "\r\n").getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            // closing anyway
        }
        closeQuietly(ch);
    }

    /** Called by a connection as it closes. */
    void closed(SmtpConnection c) {
        connections.remove(c);
        open = connections.size();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("closing: {}", e.toString());
        }
    }
}
