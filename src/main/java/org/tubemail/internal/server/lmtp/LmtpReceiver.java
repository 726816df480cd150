package org.tubemail.internal.server.lmtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.auth.UpstreamResults;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.Receiver;
import org.tubemail.internal.server.ReceiverSettings;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;

/**
 * An LMTP listener on TCP (RFC 2033), for running behind Postfix or another MTA: the SMTP dialog's
 * rules in LMTP mode, and after {@code DATA} each recipient gets its own reply from the router's
 * outcome ({@link LmtpSession}); connections are served by an {@link LmtpAcceptor}.
 *
 * <p>Messages are routed before the replies are sent, so no spool is needed: the MTA keeps each
 * message until it gets a final reply, and tries again after a crash or a {@code 451}.
 */
public final class LmtpReceiver implements Receiver {

    private static final Logger LOG = LoggerFactory.getLogger(LmtpReceiver.class);

    private final ReceiverSettings settings;
    private final Router router;
    private final ConnectionSecurity security;
    private UpstreamResults upstream = UpstreamResults.NONE;
    private LmtpAcceptor acceptor;
    private int port;

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
    }

    @Override
    public synchronized void start() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(InetAddress.getByName(settings.host()), settings.port()), 100);
            port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        acceptor = new LmtpAcceptor("lmtp", server, settings, router, security, upstream);
        LOG.info("LMTP receiver listening on {}:{}", settings.host(), port);
    }

    /**
     * Believes the sender verdicts the MTA in front wrote into {@code Authentication-Results}
     * ({@code receiver.auth.upstream.id}); without this, mail from this listener carries none.
     * Takes effect at {@link #start}.
     */
    public synchronized LmtpReceiver believing(UpstreamResults verdicts) {
        this.upstream = verdicts;
        return this;
    }

    /** The bound port. */
    public synchronized int port() {
        return port;
    }

    @Override
    public synchronized void stop(Duration grace) {
        if (acceptor == null) {
            return;
        }
        acceptor.stop(grace);
        acceptor = null;
    }
}
