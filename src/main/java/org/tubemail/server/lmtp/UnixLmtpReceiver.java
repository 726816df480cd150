package org.tubemail.server.lmtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.auth.UpstreamResults;
import org.tubemail.routing.Router;
import org.tubemail.server.Receiver;
import org.tubemail.server.ReceiverSettings;
import org.tubemail.server.RecipientPolicy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Set;

/**
 * An LMTP listener on a unix-domain socket ({@code receiver.lmtp.socket}), the way Postfix usually
 * hands mail to a local program ({@code lmtp:unix:/path}). The same conversation as
 * {@link LmtpReceiver} ({@link LmtpSession}, one thread per connection, at most
 * {@code maxConnections}), over Java 16+ unix-domain socket channels. The socket file gets the
 * configured permissions (and group) before the first client can connect; a stale file left by a
 * crash is replaced, a live one (another server answers on it) stops the start.
 *
 * <p>The socket has no read timeout: the idle limit is enforced by the MTA, which closes its
 * cached connections itself (Postfix: {@code lmtp_connection_cache_time_limit}).
 */
public final class UnixLmtpReceiver implements Receiver {

    private static final Logger LOG = LoggerFactory.getLogger(UnixLmtpReceiver.class);

    private final Path path;
    private final Set<PosixFilePermission> permissions;
    private final String group;
    private final ReceiverSettings settings;
    private final Router router;
    private final RecipientPolicy policy;
    private final LmtpSessions sessions;
    private volatile UpstreamResults upstream = UpstreamResults.NONE;
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean running;

    /**
     * @param path        the socket file
     * @param permissions its permissions, e.g. {@code rw-rw----}
     * @param group       its group, or {@code ""} to keep the process's
     * @param settings    limits and the host name to greet with (host and port are not used)
     * @param router      where messages go
     */
    public UnixLmtpReceiver(Path path, Set<PosixFilePermission> permissions, String group, ReceiverSettings settings, Router router) {
        this.path = path;
        this.permissions = Set.copyOf(permissions);
        this.group = group;
        this.settings = settings;
        this.router = router;
        this.policy = new RecipientPolicy(settings.acceptedDomains(), router);
        this.sessions = new LmtpSessions("lmtp-unix-session", settings.maxConnections());
    }

    @Override
    public synchronized void start() throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        removeStale();
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        // bind in a private name, set the permissions, then rename: no client ever sees looser ones
        Path staging = path.resolveSibling("." + path.getFileName() + ".new");
        Files.deleteIfExists(staging);
        server.bind(UnixDomainSocketAddress.of(staging), 100);
        Files.setPosixFilePermissions(staging, permissions);
        if (!group.isEmpty()) {
            GroupPrincipal g = staging.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
            Files.getFileAttributeView(staging, PosixFileAttributeView.class).setGroup(g);
        }
        Files.move(staging, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        running = true;
        acceptor = new Thread(this::acceptLoop, "lmtp-unix-acceptor");
        acceptor.start();
        LOG.info("LMTP receiver listening on unix socket {}", path);
    }

    /** Deletes a socket file no server answers on; refuses to take over one that is alive. */
    private void removeStale() throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        boolean alive;
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(path)).close();
            alive = true;
        } catch (IOException e) {
            alive = false;
        }
        if (alive) {
            throw new IOException("another server is listening on unix socket " + path);
        }
        Files.delete(path);
    }

    /**
     * Believes the sender verdicts the MTA in front wrote into {@code Authentication-Results}
     * ({@code receiver.auth.upstream.id}); without this, mail from this listener carries none.
     */
    public UnixLmtpReceiver believing(UpstreamResults verdicts) {
        this.upstream = verdicts;
        return this;
    }

    /** The socket file. */
    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (running) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                if (running) {
                    LOG.error("LMTP accept on {} failed: {}", path, e.getMessage());
                }
                continue;
            }
            if (!sessions.start(() -> serve(channel))) {
                refuse(channel);
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (channel) {
            new LmtpSession(Channels.newInputStream(channel), Channels.newOutputStream(channel), "unix", settings, policy, router, upstream).run();
        } catch (IOException e) {
            LOG.debug("LMTP connection on {} ended: {}", path, e.getMessage());
        }
    }

    private static void refuse(SocketChannel channel) {
        try (channel) {
            channel.write(java.nio.ByteBuffer.wrap(LmtpSessions.TOO_MANY));
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
                Files.deleteIfExists(path);
            }
            if (acceptor != null) {
                acceptor.join(1000);
            }
            sessions.stop(grace);
        } catch (IOException e) {
            LOG.warn("closing the LMTP socket {} failed: {}", path, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
