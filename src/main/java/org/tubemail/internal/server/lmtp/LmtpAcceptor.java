package org.tubemail.internal.server.lmtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.auth.UpstreamResults;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.RecipientPolicy;
import org.tubemail.internal.server.smtp.SmtpDialog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepts LMTP connections on a bound listening channel of either family (TCP, or a unix-domain
 * socket) and serves each as an {@link LmtpSession} on a thread of its own: an MTA opens few LMTP
 * connections and keeps them busy. At most {@code maxConnections} sessions run at once; a connection
 * beyond that is answered as SMTP answers it ({@link SmtpDialog#tooManyConnections}) and closed.
 */
final class LmtpAcceptor {

    private static final Logger LOG = LoggerFactory.getLogger(LmtpAcceptor.class);

    private final String name;
    private final ServerSocketChannel server;
    private final ReceiverSettings settings;
    private final RecipientPolicy policy;
    private final Router router;
    private final ConnectionSecurity security;
    private final UpstreamResults upstream;
    private final ThreadPoolExecutor sessions;
    private final Thread acceptor;
    private volatile boolean running = true;

    /**
     * Starts accepting on {@code server}.
     *
     * @param name     what the threads and log lines call this listener, e.g. {@code lmtp} or {@code lmtp-unix}
     * @param server   a bound, blocking listening channel; closed by {@link #stop}
     * @param security STARTTLS over TCP ({@link ConnectionSecurity#NONE} for none)
     * @param upstream the sender verdicts of the MTA in front to believe
     */
    LmtpAcceptor(String name, ServerSocketChannel server, ReceiverSettings settings, Router router, ConnectionSecurity security,
                 UpstreamResults upstream) {
        this.name = name;
        this.server = server;
        this.settings = settings;
        this.policy = new RecipientPolicy(settings.acceptedDomains(), router);
        this.router = router;
        this.security = security;
        this.upstream = upstream;
        AtomicInteger ids = new AtomicInteger();
        this.sessions = new ThreadPoolExecutor(0, settings.maxConnections(), 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, name + "-session-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, name + "-acceptor");
        acceptor.start();
    }

    private void acceptLoop() {
        while (running) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                if (running) {
                    LOG.error("{} accept failed: {}", name, e.getMessage());
                }
                continue;
            }
            try {
                sessions.execute(() -> serve(channel));
            } catch (RejectedExecutionException e) {
                refuse(channel, SmtpDialog.tooManyConnections(settings.host()));
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (channel) {
            new LmtpSession(channel, settings, policy, router, security, upstream).run();
        } catch (IOException e) {
            LOG.debug("{} connection ended: {}", name, e.getMessage());
        }
    }

    private static void refuse(SocketChannel channel, String reply) {
        try (channel) {
            channel.write(ByteBuffer.wrap((reply + "\r\n").getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            // the client is gone already
        }
    }

    /**
     * Stops accepting, lets running sessions finish for up to {@code grace}, then interrupts them; an
     * interrupt of the caller cuts the wait short (and stays set).
     */
    void stop(Duration grace) {
        running = false;
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("closing the {} listener failed: {}", name, e.getMessage());
        }
        try {
            acceptor.join(1000);
            sessions.shutdown();
            if (!sessions.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                sessions.shutdownNow();
            }
        } catch (InterruptedException e) {
            sessions.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
