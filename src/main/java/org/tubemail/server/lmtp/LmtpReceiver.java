package org.tubemail.server.lmtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.auth.UpstreamResults;
import org.tubemail.routing.Router;
import org.tubemail.server.ConnectionSecurity;
import org.tubemail.server.Receiver;
import org.tubemail.server.ReceiverSettings;
import org.tubemail.server.RecipientPolicy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;

/**
 * An LMTP listener (RFC 2033), for running behind Postfix or another MTA: after {@code DATA} each
 * recipient gets its own reply from the router's outcome. A session ({@link LmtpSession}) runs on a
 * thread of a bounded pool: an MTA opens few LMTP connections and keeps them busy.
 *
 * <p>Messages are routed before the replies are sent, so no spool is needed: the MTA keeps each
 * message until it gets a final reply, and tries again after a crash or a {@code 451}.
 */
public final class LmtpReceiver implements Receiver {

    private static final Logger LOG = LoggerFactory.getLogger(LmtpReceiver.class);

    private final ReceiverSettings settings;
    private final Router router;
    private final RecipientPolicy policy;
    private final ConnectionSecurity security;
    private final LmtpSessions sessions;
    private volatile UpstreamResults upstream = UpstreamResults.NONE;
    private ServerSocket server;
    private Thread acceptor;
    private volatile boolean running;

    /**
     * @param settings where to listen and the limits
     * @param router   where messages go
     */
    public LmtpReceiver(ReceiverSettings settings, Router router) {
        this(settings, router, ConnectionSecurity.NONE);
    }

    /**
     * @param settings where to listen and the limits
     * @param router   where messages go
     * @param security STARTTLS (the PROXY protocol is not spoken here: LMTP comes from a local MTA)
     */
    public LmtpReceiver(ReceiverSettings settings, Router router, ConnectionSecurity security) {
        this.settings = settings;
        this.security = security;
        this.router = router;
        this.policy = new RecipientPolicy(settings.acceptedDomains(), router);
        this.sessions = new LmtpSessions("lmtp-session", settings.maxConnections());
    }

    @Override
    public synchronized void start() throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(settings.host()), settings.port()), 100);
        running = true;
        acceptor = new Thread(this::acceptLoop, "lmtp-acceptor");
        acceptor.start();
        LOG.info("LMTP receiver listening on {}:{}", settings.host(), port());
    }

    /**
     * Believes the sender verdicts the MTA in front wrote into {@code Authentication-Results}
     * ({@code receiver.auth.upstream.id}); without this, mail from this listener carries none.
     */
    public LmtpReceiver believing(UpstreamResults verdicts) {
        this.upstream = verdicts;
        return this;
    }

    /** The bound port. */
    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (running) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (running) {
                    LOG.error("LMTP accept failed: {}", e.getMessage());
                }
                continue;
            }
            if (!sessions.start(() -> serve(socket))) {
                refuse(socket);
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout((int) settings.idleTimeout().toMillis());
            new LmtpSession(socket, settings, policy, router, security, upstream).run();
        } catch (SocketException e) {
            LOG.debug("LMTP connection ended: {}", e.getMessage());
        } catch (IOException e) {
            LOG.info("LMTP connection from {} ended: {}", socket.getRemoteSocketAddress(), e.getMessage());
        }
    }

    private static void refuse(Socket socket) {
        try (socket) {
            socket.getOutputStream().write(LmtpSessions.TOO_MANY);
        } catch (IOException e) {
            // the client is gone already
        }
    }

    @Override
    public synchronized void stop(Duration grace) {
        running = false;
        try {
            if (server != null) {
                server.close();
            }
            if (acceptor != null) {
                acceptor.join(1000);
            }
            sessions.stop(grace);
        } catch (IOException e) {
            LOG.warn("closing the LMTP listener failed: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
