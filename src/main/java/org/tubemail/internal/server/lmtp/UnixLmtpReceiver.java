package org.tubemail.internal.server.lmtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.auth.UpstreamResults;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.Receiver;
import org.tubemail.internal.server.ReceiverSettings;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
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
 * hands mail to a local program ({@code lmtp:unix:/path}). The same conversation and acceptor as
 * {@link LmtpReceiver} ({@link LmtpSession}, {@link LmtpAcceptor}: one thread per connection, at most
 * {@code maxConnections}), over Java 16+ unix-domain socket channels, without STARTTLS. The socket file gets the
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
    private UpstreamResults upstream = UpstreamResults.NONE;
    private LmtpAcceptor acceptor;

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
    }

    @Override
    public synchronized void start() throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        removeStale();
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
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
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        acceptor = new LmtpAcceptor("lmtp-unix", server, settings, router, ConnectionSecurity.NONE, upstream);
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
     * Takes effect at {@link #start}.
     */
    public synchronized UnixLmtpReceiver believing(UpstreamResults verdicts) {
        this.upstream = verdicts;
        return this;
    }

    /** The socket file. */
    public Path path() {
        return path;
    }

    @Override
    public synchronized void stop(Duration grace) {
        if (acceptor == null) {
            return;
        }
        acceptor.stop(grace);
        acceptor = null;
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("removing the LMTP socket {} failed: {}", path, e.getMessage());
        }
    }
}
