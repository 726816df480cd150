package org.tubemail.internal.server.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import jdk.net.ExtendedSocketOptions;

/**
 * TLS over a non-blocking {@link SocketChannel}, for an event loop: {@link #read} and
 * {@link #write} never block, and return 0 when the network has to be waited for
 * ({@link #pendingOutput()} then says whether that is for writing). The handshake runs inside
 * them; its expensive steps (the JDK's delegated tasks: key exchange, signing) run on a shared
 * executor when one is given, so that an event loop goes on serving other connections meanwhile:
 * {@link #tasksRunning()} holds until they are done, then the channel calls its callback (from
 * the executor's thread), after which reading goes on.
 *
 * <p>Memory: an idle connection keeps only its {@link SSLEngine}. The network and plaintext
 * buffers (about 16 KiB each) belong to a connection only while they hold bytes, so ten thousand
 * idle TLS sessions do not hold half a gigabyte of empty buffers; an emptied one is kept for the
 * thread's next read or write ({@link SpareBuffers}) rather than allocated and zeroed anew.
 *
 * <p>Refused: a client-initiated renegotiation (a second handshake in TLS 1.2) fails the channel
 * with an {@link SSLException}. TLS 1.3 post-handshake messages (key updates, tickets) are fine.
 *
 * <p>Threads: reads on one thread; writes on one thread at a time, which may be another, with a
 * hand-over that orders them (as the SMTP loop hands a connection to its spooler).
 */
public final class TlsChannel implements ByteChannel {

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);
    /** Whether this platform has TCP_QUICKACK (Linux). */
    private static final boolean QUICK_ACK = quickAckSupported();

    private final SocketChannel raw;
    private final SSLEngine engine;
    /** Received ciphertext not yet decrypted, in read mode; null when empty. */
    private ByteBuffer netIn;
    /** Decrypted bytes not yet read, in read mode; null when empty. */
    private ByteBuffer appIn;
    /** Ciphertext not yet sent, in read mode; null when empty. */
    private ByteBuffer netOut;
    private boolean handshaken;
    private boolean eof;
    private final Executor tasks;
    private final Runnable tasksDone;
    private volatile boolean tasksRunning;
    private Runnable onClose;

    /** Starts the server side of TLS on {@code raw}, handshake tasks on the calling thread. */
    public TlsChannel(SocketChannel raw, SSLEngine engine) throws SSLException {
        this(raw, engine, null, null);
    }

    /**
     * Starts the server side of TLS on {@code raw}; the client speaks first (ClientHello).
     *
     * @param tasks     runs the handshake's delegated tasks ({@code null}: the calling thread)
     * @param tasksDone called on the executor's thread once they are done
     */
    public TlsChannel(SocketChannel raw, SSLEngine engine, Executor tasks, Runnable tasksDone) throws SSLException {
        this.raw = raw;
        this.engine = engine;
        this.tasks = tasks;
        this.tasksDone = tasksDone;
        engine.beginHandshake();
    }

    private static boolean quickAckSupported() {
        try (SocketChannel probe = SocketChannel.open()) {
            return probe.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK);
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs {@code action} once, when this channel is closed; returns this channel. */
    TlsChannel onClose(Runnable action) {
        onClose = action;
        return this;
    }

    /** Whether handshake tasks run on the executor: nothing can be read or written until they are done. */
    public boolean tasksRunning() {
        return tasksRunning;
    }

    /** Whether the handshake is done (the {@link #session()} then has its protocol and cipher). */
    public boolean handshaken() {
        return handshaken;
    }

    /** The negotiated session. */
    public SSLSession session() {
        return engine.getSession();
    }

    /**
     * Whether {@link #read} can make progress without a network event: decrypted or received bytes
     * wait here, or the handshake has something to compute or send.
     */
    public boolean bufferedInput() {
        if (tasksRunning) {
            return false;
        }
        HandshakeStatus hs = engine.getHandshakeStatus();
        return appIn != null || netIn != null && !eof || hs == HandshakeStatus.NEED_WRAP || hs == HandshakeStatus.NEED_TASK;
    }

    /** Whether ciphertext waits to be sent (a full socket): wait until it is writable. */
    public boolean pendingOutput() {
        return netOut != null;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (tasksRunning) {
            return 0;
        }
        if (appIn != null) {
            return drain(dst);
        }
        while (true) {
            if (!flush()) {
                return 0;
            }
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                if (tasks == null) {
                    runTasks();
                    continue;
                }
                tasksRunning = true;
                tasks.execute(() -> {
                    try {
                        runTasks();
                    } finally {
                        tasksRunning = false;
                        tasksDone.run();
                    }
                });
                return 0;
            }
            if (hs == HandshakeStatus.NEED_WRAP) {
                wrap(NOTHING);
                continue;
            }
            if (netIn == null || eof) {
                int n = fill();
                if (n <= 0) {
                    return n;
                }
            }
            if (appIn == null) {
                appIn = SpareBuffers.take(engine.getSession().getApplicationBufferSize());
            } else {
                appIn.compact();
            }
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                appIn.flip();
                if (!appIn.hasRemaining()) {
                    appIn = SpareBuffers.give(appIn);
                }
                if (!netIn.hasRemaining()) {
                    netIn = SpareBuffers.give(netIn);
                }
            }
            checkRenegotiation(r);
            switch (r.getStatus()) {
                case CLOSED -> {
                    return -1;
                }
                case BUFFER_UNDERFLOW -> {
                    if (netIn != null && netIn.remaining() >= engine.getSession().getPacketBufferSize()) {
                        throw new SSLException("TLS record larger than the packet size");
                    }
                    int n = fill();
                    if (n <= 0) {
                        return n;
                    }
                }
                case BUFFER_OVERFLOW -> throw new SSLException("TLS record larger than the application buffer");
                case OK -> {
                    if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                        handshaken = true;
                    }
                    if (appIn != null) {
                        return drain(dst);
                    }
                }
            }
        }
    }

    /** TLS 1.2 after the first handshake: any handshake message from the client is a renegotiation. */
    private void checkRenegotiation(SSLEngineResult r) throws SSLException {
        if (handshaken && r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING
                && r.getHandshakeStatus() != HandshakeStatus.FINISHED
                && "TLSv1.2".equals(engine.getSession().getProtocol())) {
            throw new SSLException("client-initiated renegotiation refused");
        }
    }

    private int drain(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), appIn.remaining());
        int limit = appIn.limit();
        appIn.limit(appIn.position() + n);
        dst.put(appIn);
        appIn.limit(limit);
        if (!appIn.hasRemaining()) {
            appIn = SpareBuffers.give(appIn);
        }
        return n;
    }

    /** Reads ciphertext from the socket; returns the count, or -1 at its end. */
    private int fill() throws IOException {
        if (netIn == null) {
            netIn = SpareBuffers.take(engine.getSession().getPacketBufferSize());
            netIn.flip();
        }
        netIn.compact();
        int n;
        try {
            n = raw.read(netIn);
        } finally {
            netIn.flip();
        }
        if (n < 0) {
            eof = true;
        }
        if (!netIn.hasRemaining()) {
            netIn = SpareBuffers.give(netIn);
        }
        return n;
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (tasksRunning || !flush() || !handshaken) {
            return 0;
        }
        int consumed = 0;
        while (src.hasRemaining()) {
            consumed += wrap(src);
            if (!flush()) {
                break;
            }
        }
        return consumed;
    }

    /** Encrypts what {@code src} holds into the outgoing buffer; returns the bytes consumed. */
    private int wrap(ByteBuffer src) throws IOException {
        if (netOut == null) {
            netOut = SpareBuffers.take(engine.getSession().getPacketBufferSize());
        } else {
            netOut.compact();
        }
        SSLEngineResult r;
        try {
            r = engine.wrap(src, netOut);
        } finally {
            netOut.flip();
            if (!netOut.hasRemaining()) {
                netOut = SpareBuffers.give(netOut);
            }
        }
        switch (r.getStatus()) {
            case CLOSED -> throw new ClosedChannelException();
            case BUFFER_OVERFLOW -> {
                if (netOut == null) {
                    throw new SSLException("TLS record larger than the packet size");
                }
            }
            default -> {
                if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                    handshaken = true;
                }
                if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
            }
        }
        return r.bytesConsumed();
    }

    /** Sends what it can of the outgoing ciphertext; returns whether all of it is sent. */
    public boolean flush() throws IOException {
        boolean wrote = netOut != null;
        while (netOut != null) {
            if (raw.write(netOut) == 0) {
                return false;
            }
            if (!netOut.hasRemaining()) {
                netOut = SpareBuffers.give(netOut);
            }
        }
        if (wrote && !handshaken) {
            ackAtOnce();
        }
        return true;
    }

    /**
     * Has the kernel acknowledge the client's next segment at once, after a handshake flight: its
     * Finished message gets no reply from BoringSSL (which sent its session tickets earlier), so a
     * delayed acknowledgement held a client that waits for one before sending more (Nagle's
     * algorithm, on unless the client turned it off) about 40 ms per session.
     */
    private void ackAtOnce() {
        if (QUICK_ACK) {
            try {
                raw.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
            } catch (IOException | UnsupportedOperationException e) {
                // an optimisation only
            }
        }
    }

    @Override
    public boolean isOpen() {
        return raw.isOpen();
    }

    /**
     * Closes the socket without a close_notify (mail sessions end with QUIT, or are cut off) and
     * ends the engine at once: Conscrypt's frees its native session and pipe here, not when collected.
     */
    @Override
    public void close() throws IOException {
        engine.closeOutbound();
        try {
            engine.closeInbound();
        } catch (SSLException e) {
            // JSSE's complaint that the peer sent no close_notify: expected, the socket is closing
        }
        Runnable action = onClose;
        onClose = null;
        if (action != null) {
            action.run();
        }
        raw.close();
    }
}
