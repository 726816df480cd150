package org.tubemail.spring;

import org.springframework.context.SmartLifecycle;
import org.tubemail.internal.app.Assembly;
import org.tubemail.internal.app.TubemailServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Tubemail's receivers (SMTP, and LMTP or a queue when configured) as part of the Spring context:
 * they start after every other bean, and stop first, with {@code tubemail stop}'s semantics: no
 * new mail is taken, messages being routed finish (up to {@link #GRACE}), the rest stay spooled and
 * are routed at the next start. The assembly, router, storage and relay are beans of their own,
 * closed by the context after this one stopped.
 */
public class TubemailReceivers implements SmartLifecycle {

    /** How long messages being routed get to finish when the context closes. */
    public static final Duration GRACE = Duration.ofSeconds(30);

    private final Assembly assembly;
    private volatile TubemailServer server;

    /** The receivers of {@code assembly}, over its router. */
    public TubemailReceivers(Assembly assembly) {
        this.assembly = assembly;
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        TubemailServer s = TubemailServer.of(assembly);
        try {
            s.start();
        } catch (IOException e) {
            s.stop(Duration.ZERO);
            throw new UncheckedIOException("Tubemail receivers could not start: " + e.getMessage(), e);
        }
        server = s;
    }

    @Override
    public synchronized void stop() {
        TubemailServer s = server;
        server = null;
        if (s != null) {
            s.stop(GRACE);
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The SMTP port in use (useful with {@code tubemail.receiver.smtp.port=0}). */
    public int smtpPort() {
        TubemailServer s = server;
        if (s == null) {
            throw new IllegalStateException("the Tubemail receivers are not running");
        }
        return s.smtpPort();
    }

    /** The SMTP host the receiver listens on. */
    public String smtpHost() {
        return assembly.receiverSettings().host();
    }
}
