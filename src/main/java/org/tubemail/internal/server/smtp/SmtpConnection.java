package org.tubemail.internal.server.smtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.server.DataScanner;
import org.tubemail.internal.server.guard.BlocklistScreen;
import org.tubemail.internal.server.guard.ClientSession;
import org.tubemail.internal.server.guard.DataRate;
import org.tubemail.internal.server.guard.ErrorLimits;
import org.tubemail.internal.server.guard.PipeliningRule;
import org.tubemail.internal.server.guard.TalkerRefusal;
import org.tubemail.internal.server.guard.TalkerSettings;
import org.tubemail.internal.server.proxy.ProxyHeader;
import org.tubemail.internal.server.tls.TlsChannel;
import org.tubemail.mail.DnsblVerdict;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One client connection of an {@link SmtpLoop}: its buffers, its {@link SmtpDialog}, and the
 * {@code DATA} being read. The loop's thread owns it, except while a finished message is with the
 * {@link MessageSink} ({@link #waiting()}): then the sink's thread gives the one reply
 * ({@link #complete}) and must then {@link #release} it back to the loop, which writes it. Reading stops while a
 * message is with the sink and while replies wait to be written, so a client that sends faster
 * than mail is stored, or that does not read its replies, is slowed down rather than buffered.
 *
 * <p>Bytes go through {@link #io}: the socket itself, or after {@code STARTTLS} a {@link TlsChannel}
 * over it. Whatever the client sent after {@code STARTTLS} before TLS began is thrown away, never
 * read as commands inside TLS (CVE-2011-0411). With the PROXY protocol, a connection from a trusted
 * proxy is greeted only after its PROXY header, which names the client; a connection from anywhere
 * else that starts with a PROXY header is closed.
 *
 * <p>Per-client limits ({@link org.tubemail.internal.server.guard.ClientLimiter}) count the connection when
 * it opens, or behind a trusted proxy once its PROXY header names the client; a refused one gets
 * the {@code 421} instead of the greeting and is closed.
 * <p>Talkers ({@link TalkerSettings}): a client that sends before its greeting, or sends commands
 * ahead of their replies where {@link PipeliningRule} forbids it, gets {@code 554 5.5.0} (a trusted
 * client, as postscreen's allowlist, is neither delayed nor held to the pipelining rule); past the
 * soft error limit each reply is held back ({@link ErrorLimits}) while reading stops, and at the
 * hard limit the session ends; the loop's periodic check ({@link #checkPace}) ends a session past
 * its time limit or whose message arrives too slowly ({@link DataRate}). Each such end is
 * reported to {@link org.tubemail.internal.monitor.Monitor#clientRefused}.
 *
 * <p>With DNS lists ({@link BlocklistScreen}), the client is looked up as soon as it is known (at
 * connect, or after its PROXY header); a {@code RCPT} that comes before the lists answered stops
 * reading until they have (at most the DNS time limit), then is answered with their verdict.
 */
final class SmtpConnection {

    /** Takes a finished message: stores it, then calls {@link #complete} and {@link #release}. */
    interface MessageSink {
        void accept(SmtpConnection connection, byte[] message);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SmtpConnection.class);
    /** Longest command line taken, CRLF included (the dialog's). */
    static final int MAX_LINE = SmtpDialog.MAX_LINE;
    private static final String TOO_LONG = SmtpDialog.TOO_LONG;

    private final SmtpLoop loop;
    private final SocketChannel channel;
    private final SelectionKey key;
    private final SmtpDialog dialog;
    private final String id;
    private String clientIp;
    private String peer;
    /** The connection's own peer address ({@code null} when unknown). */
    private final InetAddress remoteAddress;
    private ClientSession client = ClientSession.UNLIMITED;
    private ByteChannel io;
    private TlsChannel tls;
    private boolean upgrading;
    private boolean awaitingProxy;
    /** The client's address as the limits count it (behind a trusted proxy, the one its header names); null until known. */
    private InetAddress clientAddress;
    private boolean refuseProxy;
    private final long maxMessageBytes;
    private final byte[] in = new byte[2 * MAX_LINE];
    private final ByteBuffer inView = ByteBuffer.wrap(in);
    private int head;
    private int tail;
    private ByteBuffer out = ByteBuffer.allocate(256);
    private DataScanner data;
    private boolean discardingLine;
    private boolean closeAfterWrite;
    private volatile boolean waiting;
    /** The size of the message with the sink, for the report of its acceptance. */
    private int dataBytes;
    private boolean tlsReported;
    private long lastActive;
    private final TalkerSettings talkers;
    private final ErrorLimits errors;
    private final DataRate dataRate;
    private final long opened;
    /** The session time limit in nanoseconds, 0 for none. */
    private final long sessionNanos;
    /** Bytes received so far (after TLS), for the {@link DataRate}. */
    private long received;
    /** Whether the greeting is given: anything the client sends before is early talk. */
    private boolean greeted;
    /** A reply the error tarpit holds back; nothing is read or answered until it is given. */
    private String held;
    /** The DNS lists' screening of this client, or null when no list is configured. */
    private BlocklistScreen.Screening screening;
    /** Whether a {@code RCPT} waits for the DNS lists: nothing is read meanwhile. */
    private boolean screeningWait;

    SmtpConnection(SmtpLoop loop, SocketChannel channel, SelectionKey key, SmtpDialog dialog, String id, long maxMessageBytes) {
        this.loop = loop;
        this.channel = channel;
        this.key = key;
        this.dialog = dialog;
        this.id = id;
        this.maxMessageBytes = maxMessageBytes;
        InetSocketAddress remote = remote(channel);
        this.clientIp = remote != null ? remote.getAddress().getHostAddress() : "unknown";
        this.peer = remote != null ? clientIp + ":" + remote.getPort() : clientIp;
        this.remoteAddress = remote != null ? remote.getAddress() : null;
        this.lastActive = System.nanoTime();
        this.opened = lastActive;
        this.talkers = loop.talkers();
        this.errors = new ErrorLimits(talkers);
        this.dataRate = new DataRate(talkers);
        this.sessionNanos = talkers.sessionMax().toNanos();
        this.out.flip();
        this.io = channel;
        if (loop.security().proxy() != null && remote != null) {
            awaitingProxy = loop.security().proxy().trusts(remote.getAddress());
            refuseProxy = !awaitingProxy;
        }
    }

    private static InetSocketAddress remote(SocketChannel channel) {
        try {
            return channel.getRemoteAddress() instanceof InetSocketAddress a ? a : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The conversation (sender, recipients, client name). */
    SmtpDialog dialog() {
        return dialog;
    }

    /** This connection's id, as the {@code Received:} line names it. */
    String id() {
        return id;
    }

    /** The client's IP address. */
    String clientIp() {
        return clientIp;
    }

    /** Whether the client is in a trusted network: exempt from per-client limits, and authenticated ({@code auth=local}). */
    boolean trusted() {
        return client.trusted();
    }

    /** The client's IP address and port. */
    String peer() {
        return peer;
    }

    /** The TLS protocol and cipher, as the trace line names them, or {@code null} without TLS. */
    String tlsInfo() {
        return tls == null ? null : tls.session().getProtocol() + " with cipher " + tls.session().getCipherSuite();
    }

    /** When the client last sent something or took a reply ({@link System#nanoTime}). */
    long lastActive() {
        return lastActive;
    }

    /** Whether a finished message is with the sink. */
    boolean waiting() {
        return waiting;
    }

    /**
     * Whether the client neither sent anything nor took any of its pending replies for
     * {@code nanos} while no message of it was being stored (so a client that never reads its
     * replies is cut off too).
     */
    boolean idleFor(long nanos, long now) {
        return !waiting && held == null && now - lastActive > nanos;
    }

    /**
     * Ends the session when it has lasted longer than its time limit, or when the message being
     * read arrives more slowly than the minimum data rate (loop thread, from its periodic check).
     */
    void checkPace(long now) {
        if (waiting || !key.isValid()) {
            return;
        }
        if (sessionNanos > 0 && now - opened > sessionNanos) {
            refuse(TalkerRefusal.SESSION_TIME);
        } else if (data != null && dataRate.tooSlow(now, received)) {
            refuse(TalkerRefusal.SLOW_DATA);
        }
    }

    // ---- loop thread ----

    /** Greets the client (behind a trusted proxy: once its PROXY header is read). */
    void open() {
        loop.monitor().connectionOpened();
        if (!awaitingProxy && admit(remoteAddress)) {
            startScreening();
            greet();
        }
        flush();
    }

    /** Counts the connection against {@code address}'s client limits; false when refused (the {@code 421} then closes it). */
    private boolean admit(InetAddress address) {
        clientAddress = address;
        client = loop.clients().connect(address);
        dialog.client(client);
        if (client.refusal() != null) {
            send(client.refusal());
            closeAfterWrite = true;
            return false;
        }
        return true;
    }

    /** Greets the client at once or after the greeting delay (a trusted client, as postscreen's allowlist, at once). */
    private void greet() {
        long delay = client != null && client.trusted() ? 0 : talkers.greetDelay().toNanos();
        if (delay > 0) {
            loop.schedule(delay, () -> {
                greetNow();
                flush();
            });
        } else {
            greetNow();
        }
    }

    /** Gives the greeting, unless the client has already said something: then it is an early talker. */
    private void greetNow() {
        if (!key.isValid()) {
            return;
        }
        if (head == tail) { // what came with the connection, or after the last read
            try {
                if (!read()) {
                    return;
                }
            } catch (IOException e) {
                close(null);
                return;
            }
        }
        if (tail > head) {
            refuse(TalkerRefusal.EARLY_TALKER);
            return;
        }
        greeted = true;
        send(dialog.greeting());
    }

    /**
     * The channel has bytes: reads them and answers every complete command. While a message is
     * with the sink, nothing is read: reading stops until {@link #resume}, which reads on.
     */
    void readable() throws IOException {
        if (waiting || held != null || screeningWait) {
            key.interestOps(0);
            return;
        }
        if (read()) {
            drive();
        }
    }

    /** Reports an established TLS session once, when the handshake (finished in a read or a write) is done. */
    private void reportTls() {
        if (tls != null && !tlsReported && tls.handshaken()) {
            tlsReported = true;
            loop.monitor().tlsSession();
        }
    }

    /** Reads what the channel has into {@link #in}; false when the client is gone (then closed). */
    private boolean read() throws IOException {
        inView.limit(in.length).position(tail);
        int n = io.read(inView);
        reportTls();
        if (n < 0) {
            close(null);
            return false;
        }
        if (n > 0) {
            tail += n;
            received += n;
            lastActive = System.nanoTime();
        }
        return true;
    }

    /**
     * Answers the commands read, then, under TLS, those still buffered in the TLS layer (no
     * network event will announce them), and writes the replies.
     */
    private void drive() throws IOException {
        process();
        while (tls != null && tls.bufferedInput() && !waiting && !closeAfterWrite && !upgrading && held == null && key.isValid()) {
            int before = tail;
            if (!read()) {
                return;
            }
            if (tail == before) {
                break;
            }
            process();
        }
        flush();
    }

    /** The channel can take more of the pending replies. */
    void writable() throws IOException {
        if (waiting) {
            key.interestOps(0);
            return;
        }
        flush();
        if (!pendingOutput() && !closeAfterWrite && !waiting && key.isValid()) {
            drive();
        }
    }

    private void process() {
        while (!waiting && !closeAfterWrite && !upgrading && held == null && !screeningWait) {
            if (awaitingProxy) {
                if (!readProxyHeader()) {
                    return;
                }
                continue;
            }
            if (!greeted) {
                if (tail > head) {
                    refuse(TalkerRefusal.EARLY_TALKER);
                }
                return;
            }
            if (refuseProxy) {
                Boolean header = ProxyHeader.signature(in, head, tail);
                if (header == null) {
                    return; // too few bytes to tell
                }
                if (header) {
                    LOG.info("PROXY header from {}, which is not a trusted proxy: closing", peer);
                    close(null);
                    return;
                }
                refuseProxy = false;
            }
            if (data != null) {
                int end = data.scan(in, head, tail);
                if (end < 0) {
                    head = tail = 0;
                    return;
                }
                head = end;
                if (!finishData()) {
                    return;
                }
                continue;
            }
            int lf = indexOf('\n', head, tail);
            if (lf < 0) {
                if (tail - head >= MAX_LINE) {
                    boolean first = !discardingLine;
                    discardingLine = true;
                    head = tail = 0;
                    if (first) {
                        answer(TOO_LONG);
                    }
                } else if (head > 0) {
                    System.arraycopy(in, head, in, 0, tail - head);
                    tail -= head;
                    head = 0;
                }
                return;
            }
            if (!discardingLine && lf + 1 - head > MAX_LINE) { // too long, though whole in the buffer
                head = lf + 1;
                if (!answer(TOO_LONG)) {
                    return;
                }
                continue;
            }
            boolean crlf = lf > head && in[lf - 1] == '\r';
            String line = discardingLine ? null : new String(in, head, (crlf ? lf - 1 : lf) - head, StandardCharsets.UTF_8);
            int start = head;
            head = lf + 1;
            if (line == null) {
                discardingLine = false;
                continue;
            }
            if (!crlf) {
                if (!answer(SmtpDialog.BARE_LF)) {
                    return;
                }
                continue;
            }
            if (head < tail && talkers.forbidUnauthPipelining() && !trusted() && PipeliningRule.mustWait(line, dialog.pipeliningOffered())) {
                refuse(TalkerRefusal.UNAUTH_PIPELINING); // before the command runs: a DATA sent with its text never starts
                return;
            }
            boolean screened = screening != null && dialog.from() != null && line.regionMatches(true, 0, "RCPT", 0, 4);
            if (screened && screening.pending()) {
                head = start; // read again once the DNS lists answered
                awaitScreening();
                return;
            }
            String reply = screened ? screening.refusal() : null;
            if (reply != null) {
                loop.monitor().clientRefused(clientKey(), "dnsbl", reply);
            } else {
                reply = dialog.command(line);
            }
            countRefusal(line, reply);
            if (!answer(reply)) {
                return;
            }
        }
    }

    /**
     * Gives a reply as the {@link ErrorLimits} say: at once, held back (the tarpit), or followed by
     * the end of the session. Returns whether to go on reading commands now.
     */
    private boolean answer(String reply) {
        long delay = errors.count(reply);
        if (delay < 0) {
            send(reply);
            refuse(TalkerRefusal.ERROR_LIMIT);
            return false;
        }
        if (delay > 0) {
            held = reply;
            loop.schedule(delay, this::releaseHeld);
            return false;
        }
        send(reply);
        afterReply();
        return true;
    }

    /** What the reply just given starts: the end of the session, TLS, or the message text. */
    private void afterReply() {
        if (dialog.quit()) {
            closeAfterWrite = true;
        } else if (dialog.startTls()) {
            upgrading = true;
            head = tail = 0; // what the client pipelined after STARTTLS is not read inside TLS
        } else if (dialog.expectsData()) {
            data = new DataScanner((int) Math.min(Integer.MAX_VALUE - 8, maxMessageBytes + 1));
            dataRate.start(System.nanoTime(), received);
        }
    }

    /** The tarpit's delay is over (loop thread): gives the held reply and goes on with the commands. */
    private void releaseHeld() {
        if (held == null || !key.isValid()) {
            return;
        }
        String reply = held;
        held = null;
        lastActive = System.nanoTime();
        send(reply);
        afterReply();
        try {
            drive();
        } catch (IOException e) {
            close(null);
        }
    }

    /** The client as the limits count it (an IPv6 address by its network), for refusal reports. */
    String clientKey() {
        return clientAddress == null ? clientIp : loop.clients().key(clientAddress).toString();
    }

    /** Ends the session for how the client talks, and reports it. */
    private void refuse(TalkerRefusal refusal) {
        if (!key.isValid()) {
            return;
        }
        String reply = refusal.reply(loop.host(), talkers);
        loop.monitor().clientRefused(clientKey(), refusal.reason(), reply);
        close(reply);
    }

    /** Reads the PROXY header; returns whether to go on (false: more bytes needed, or closed). */
    private boolean readProxyHeader() {
        try {
            ProxyHeader h = ProxyHeader.parse(in, head, tail);
            if (h == null) {
                return false;
            }
            head += h.length();
            awaitingProxy = false;
            if (h.client() != null) {
                String proxy = peer;
                clientIp = h.client().getAddress().getHostAddress();
                peer = clientIp + ":" + h.client().getPort();
                LOG.debug("{} is {} through proxy {}", this, peer, proxy);
            }
            if (!admit(h.client() != null ? h.client().getAddress() : remoteAddress)) {
                return false;
            }
            startScreening();
            greet();
            return key.isValid(); // false: an early talker, refused
        } catch (ProxyHeader.MalformedException e) {
            LOG.info("bad PROXY header from {}: {}; closing", peer, e.getMessage());
            close(null);
            return false;
        }
    }

    /** Starts asking the DNS lists about the client, if any are configured. */
    private void startScreening() {
        if (loop.screen() != null) {
            screening = loop.screen().screen(clientIp);
        }
    }

    /** Stops reading until the DNS lists answered (at most the DNS time limit), then reads on. */
    private void awaitScreening() {
        screeningWait = true;
        screening.whenDone(() -> loop.execute(() -> {
            screeningWait = false;
            if (key.isValid()) {
                try {
                    drive();
                } catch (IOException e) {
                    close(null);
                }
            }
        }));
    }

    /** What the DNS lists said about the client ({@link DnsblVerdict#NONE} when none is configured or named it). */
    DnsblVerdict dnsbl() {
        return screening == null ? DnsblVerdict.NONE : screening.verdict();
    }

    /** Ends a {@code DATA}; returns whether to go on reading commands (false: the message is with the sink). */
    private boolean finishData() {
        DataScanner finished = data;
        data = null;
        dataRate.stop();
        if (finished.tooBig()) {
            send(dialog.tooBig());
            loop.monitor().refused("data", 552);
            dialog.reset();
            return true;
        }
        waiting = true; // reading stays on, so two epoll_ctl fewer per message; readable() stops it if the client sends on
        try {
            byte[] message = finished.message();
            dataBytes = message.length;
            loop.sink().accept(this, message);
        } catch (RuntimeException e) { // e.g. the sink's threads are shut down
            LOG.error("cannot take a message from {}: {}", peer, e.toString());
            waiting = false;
            send("451 4.3.0 Cannot store the message now, try again later");
            dialog.reset();
            return true;
        }
        return false;
    }

    /** Reports a refused recipient (a {@code RCPT} answered with 4xx or 5xx). */
    private void countRefusal(String line, String reply) {
        int code = SmtpDialog.refusedRecipient(line, reply);
        if (code > 0) {
            loop.monitor().refused("rcpt", code);
        }
    }

    private static int code(String reply) {
        try {
            return Integer.parseInt(reply.substring(0, 3));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private int indexOf(int c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (in[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** Writes what it can of the pending replies and sets what to wait for next. */
    private void flush() {
        reportTls();
        if (waiting) { // the sink's thread owns the buffer now; resume() writes what is pending
            return;
        }
        if (!writePending()) {
            close(null);
            return;
        }
        if (!key.isValid()) {
            return;
        }
        if (pendingOutput()) {
            key.interestOps(SelectionKey.OP_WRITE);
        } else if (closeAfterWrite) {
            close(null);
        } else if (held != null || tls != null && tls.tasksRunning()) {
            key.interestOps(0); // the tarpit holds a reply (releaseHeld() reads on), or the handshake computes elsewhere (tlsTasksDone())
        } else {
            if (upgrading) {
                startTls();
            }
            key.interestOps(screeningWait ? 0 : SelectionKey.OP_READ);
        }
    }

    /** The {@code 220} to {@code STARTTLS} is sent: from now on bytes go through TLS. */
    private void startTls() {
        upgrading = false;
        try {
            tls = loop.security().tls().newChannel(channel, loop.tlsTasks(), () -> loop.execute(this::tlsTasksDone));
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: cannot start TLS: {}", this, e.toString());
            close(null);
            return;
        }
        io = tls;
        dialog.tlsStarted();
    }

    /** The TLS handshake's tasks are done (loop thread): the handshake goes on. */
    private void tlsTasksDone() {
        if (!key.isValid()) {
            return;
        }
        try {
            drive();
        } catch (IOException e) {
            close(null);
        }
    }

    /** Whether replies (or TLS records) wait to be written. */
    private boolean pendingOutput() {
        return out.hasRemaining() || tls != null && tls.pendingOutput();
    }

    /** Takes the connection back from the sink: answers what the client pipelined, then reads on. */
    void resume() {
        waiting = false;
        lastActive = System.nanoTime();
        if (!key.isValid()) {
            return;
        }
        if (loop.stopping()) {
            closeAfterWrite = true;
        }
        try {
            drive();
        } catch (IOException e) {
            close(null);
        }
    }

    /** Says {@code reply} (if any) and closes the connection once it is written, e.g. on idle or shutdown. */
    void close(String reply) {
        if (reply != null && key.isValid() && (tls == null || tls.handshaken())) {
            send(reply);
            try {
                io.write(out);
            } catch (IOException e) {
                // closing anyway
            }
        }
        key.cancel();
        client.close();
        try {
            if (tls != null) {
                tls.close(); // ends the engine's session too
            } else {
                channel.close();
            }
        } catch (IOException e) {
            LOG.debug("closing {}: {}", peer, e.toString());
        }
        loop.closed(this);
    }

    /** Queues a reply line (or lines) for writing. */
    private void send(String reply) {
        byte[] b = (reply + "\r\n").getBytes(StandardCharsets.UTF_8);
        if (out.capacity() - out.limit() < b.length) {
            out.compact().flip();
            if (out.capacity() - out.limit() < b.length) {
                ByteBuffer bigger = ByteBuffer.allocate(2 * (out.limit() + b.length));
                bigger.put(out).flip();
                out = bigger;
            }
        }
        int at = out.limit();
        out.limit(at + b.length);
        out.put(at, b);
    }

    // ---- sink thread, while waiting ----

    /**
     * Gives the reply to the finished message. Only the sink's thread calls it, once, while the
     * connection is {@link #waiting()}; the loop writes it after {@link #release}, together with
     * the replies to what the client sent meanwhile, so that the client's next command always
     * finds the connection back with the loop (no wasted wake-up, no selector update per message).
     */
    void complete(String reply) {
        if (reply.startsWith("250")) {
            errors.forgive();
            loop.monitor().accepted(peer, dialog.from(), dialog.recipients(), dataBytes);
        } else {
            loop.monitor().refused("data", code(reply));
        }
        dialog.reset();
        send(reply);
    }

    /**
     * Writes the reply given to {@link #complete} now, from the sink's thread, instead of when the
     * loop takes the connection back: for a message that waits for a free routing thread. What the
     * socket does not take is written by the loop after {@link #release}.
     */
    void sendReplyNow() {
        writePending(); // on failure the loop finds the connection closed when it reads again
    }

    /** Writes what the socket takes of the pending replies; false when the connection failed. */
    private boolean writePending() {
        try {
            int before = out.remaining();
            while (out.hasRemaining() && io.write(out) > 0) {
                // keep writing
            }
            if (tls != null) {
                tls.flush();
            }
            if (out.remaining() < before) {
                lastActive = System.nanoTime();
            }
            return true;
        } catch (IOException e) {
            LOG.debug("writing to {}: {}", peer, e.toString());
            return false;
        }
    }

    /** Hands the connection back to the loop once the sink is done with the message. */
    void release() {
        loop.execute(this::resume);
    }

    /** Hands several connections back to their loops, waking each loop once rather than once per connection. */
    static void releaseAll(List<SmtpConnection> connections) {
        if (connections.size() == 1) {
            connections.get(0).release();
            return;
        }
        Map<SmtpLoop, List<SmtpConnection>> byLoop = new IdentityHashMap<>();
        for (SmtpConnection c : connections) {
            byLoop.computeIfAbsent(c.loop, l -> new ArrayList<>()).add(c);
        }
        byLoop.forEach((loop, cs) -> loop.execute(() -> cs.forEach(SmtpConnection::resume)));
    }

    @Override
    public String toString() {
        return "SMTP connection " + id + " from " + peer;
    }

}
