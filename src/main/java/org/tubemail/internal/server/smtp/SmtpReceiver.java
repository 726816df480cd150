package org.tubemail.internal.server.smtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.io.FreeSpace;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.Receiver;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.RecipientPolicy;
import org.tubemail.internal.server.guard.BlocklistScreen;
import org.tubemail.internal.server.guard.ClientLimiter;
import org.tubemail.internal.server.guard.ClientLimits;
import org.tubemail.internal.server.guard.Greylist;
import org.tubemail.internal.server.guard.TalkerSettings;
import org.tubemail.internal.server.spool.SpoolProcessor;
import org.tubemail.mail.Authentication;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;

/**
 * An SMTP listener that hands mail to a {@link Router}: one event-loop thread speaks SMTP with
 * every client ({@link SmtpLoop}), and an {@link SmtpSpooler} stores, answers and routes each
 * finished message.
 *
 * <p><b>Durable acceptance</b>: after {@code DATA}, the message and its envelope are pushed to the
 * spool queue (by default a {@link org.tubemail.internal.queue.LogQueue}, which syncs to disk, one sync for
 * all messages waiting at that moment) before {@code 250} is answered. The message is routed (at
 * most {@code receiver.workers} at once) before the reply is written and the session reads the
 * client's next command, so a client sending faster than mail is routed is slowed down instead of filling
 * the spool. When all routing slots are busy or routing fails, worker threads route it instead.
 * Either way at least once (see {@link SpoolProcessor}). A message the spool cannot take gets
 * {@code 452 4.3.1} when its disk is full, {@code 451 4.3.0} for other failures, so the client
 * retries; below the free-space watermark, {@code MAIL} already gets {@code 452 4.3.1}.
 *
 * <p>Replies: unknown recipient domain {@code 550 5.7.1} (never an open relay), no route
 * {@code 550 5.1.1}, bad address {@code 501 5.1.3}, too many recipients {@code 452}, message too
 * large {@code 552}, too many connections or silent too long {@code 421}, a client past its
 * limits ({@link #limits}) {@code 421 4.7.0} or {@code 450 4.7.1}.
 * Early, slow and noisy talkers are cut off as {@link #talkers} says ({@code 554 5.5.0}
 * for talk out of turn, {@code 421} past the session time, data rate or error limits). A client listed by DNS
 * blocklists gets {@code 554 5.7.1} at {@code RCPT}, a greylisted message {@code 451 4.7.1} at the end of
 * {@code DATA} (see {@link #guards}); see {@link SmtpDialog} for the rest.
 */
public final class SmtpReceiver implements Receiver {

    /** When the reply to {@code DATA} is given. */
    public enum DataReply {
        /**
         * Once the message is on disk (the default): {@code 250} whatever routing does, and a
         * handler's {@link org.tubemail.handler.SmtpReject} puts the copy in the undeliverable queue
         * with the handler's code and text. The reply is written after the message is routed,
         * together with handing the session back to the loop (one wake-up of the loop per message
         * rather than two), or at once when every routing thread is busy.
         */
        SPOOLED,
        /**
         * Once the message is on disk and routed: when every recipient was rejected by a handler,
         * the first rejection is the reply and the message leaves the spool; when only some were,
         * {@code 250}, and the rejected recipients' copies go to the undeliverable queue with the
         * reason. A message that cannot be routed at once (state storage away) gets {@code 250} and
         * is routed later, as with {@link #SPOOLED}.
         */
        ROUTED
    }

    private static final Logger LOG = LoggerFactory.getLogger(SmtpReceiver.class);

    private final ReceiverSettings settings;
    private final MessageQueue spool;
    private final SpoolProcessor processor;
    private final SmtpSpooler spooler;
    private final RecipientPolicy policy;
    private final String host;
    private final FreeSpace space;
    private final Monitor monitor;
    private final ConnectionSecurity security;
    private final SenderChecks checks;
    private ClientLimits limits = ClientLimits.NONE;
    private TalkerSettings talkers = TalkerSettings.DEFAULTS;
    private final Router router;
    private BlocklistScreen screen;
    private GreylistGate greylist;
    private SmtpLoop loop;

    /**
     * A receiver that answers {@code DATA} once the message is on disk ({@link DataReply#SPOOLED}).
     *
     * @param settings where to listen and the limits
     * @param router   where messages go
     * @param spool    where accepted messages wait until routed
     */
    public SmtpReceiver(ReceiverSettings settings, Router router, MessageQueue spool) {
        this(settings, router, spool, FreeSpace.unlimited(), DataReply.SPOOLED, ConnectionSecurity.NONE);
    }

    /**
     * A receiver that checks each sender (SPF, DKIM, DMARC) before spooling its message.
     *
     * @param checks the checks, or null for none
     */
    public SmtpReceiver(ReceiverSettings settings, Router router, MessageQueue spool, SenderChecks checks) {
        this(settings, router, spool, FreeSpace.unlimited(), DataReply.SPOOLED, ConnectionSecurity.NONE, checks);
    }

    /**
     * @param space the spool's free-space watermark: below it, {@code MAIL} gets {@code 452 4.3.1}
     */
    public SmtpReceiver(ReceiverSettings settings, Router router, MessageQueue spool, FreeSpace space) {
        this(settings, router, spool, space, DataReply.SPOOLED, ConnectionSecurity.NONE);
    }

    /**
     * @param security STARTTLS and PROXY protocol
     */
    public SmtpReceiver(ReceiverSettings settings, Router router, MessageQueue spool, ConnectionSecurity security) {
        this(settings, router, spool, FreeSpace.unlimited(), DataReply.SPOOLED, security);
    }

    /**
     * @param dataReply when {@code DATA} is answered
     */
    public SmtpReceiver(ReceiverSettings settings, Router router, MessageQueue spool, FreeSpace space, DataReply dataReply) {
        this(settings, router, spool, space, dataReply, ConnectionSecurity.NONE);
    }

    /**
     * @param settings  where to listen and the limits
     * @param router    where messages go
     * @param spool     where accepted messages wait until routed
     * @param space     the spool's free-space watermark: below it, {@code MAIL} gets {@code 452 4.3.1}
     * @param dataReply when {@code DATA} is answered
     * @param security  STARTTLS and PROXY protocol
     */
    public SmtpReceiver(ReceiverSettings settings, Router router, MessageQueue spool, FreeSpace space, DataReply dataReply,
                        ConnectionSecurity security) {
        this(settings, router, spool, space, dataReply, security, null);
    }

    /**
     * @param settings  where to listen and the limits
     * @param router    where messages go
     * @param spool     where accepted messages wait until routed
     * @param space     the spool's free-space watermark: below it, {@code MAIL} gets {@code 452 4.3.1}
     * @param dataReply when {@code DATA} is answered
     * @param security  STARTTLS and PROXY protocol
     * @param checks    the sender checks (SPF, DKIM, DMARC) run between {@code DATA} and the spool, or null for none
     */
    public SmtpReceiver(ReceiverSettings settings, Router router, MessageQueue spool, FreeSpace space, DataReply dataReply,
                        ConnectionSecurity security, SenderChecks checks) {
        this.monitor = router.monitor();
        this.settings = settings;
        this.space = space;
        this.spool = spool;
        this.security = security;
        this.host = localName();
        this.processor = new SpoolProcessor("smtp-spool", spool, router, settings.workers(), Duration.ofSeconds(1))
                .trustingVerdicts();
        this.spooler = new SmtpSpooler(spool, processor, host, settings.workers(), dataReply == DataReply.ROUTED);
        this.policy = new RecipientPolicy(settings.acceptedDomains(), router);
        this.checks = checks;
        this.router = router;
    }

    /**
     * Screens clients against DNS lists at {@code RCPT} and greylists their messages at the end of
     * {@code DATA}, after the sender checks (call before {@link #start}).
     *
     * @param screen   the DNS blocklists and allowlists, or null for none
     * @param greylist the greylist, or null for none; the receiver closes it when it stops
     */
    public SmtpReceiver guards(BlocklistScreen screen, Greylist greylist) {
        this.screen = screen;
        this.greylist = greylist == null ? null : new GreylistGate(greylist, monitor, 4);
        return this;
    }

    /**
     * Sets how early, slow and noisy talkers are treated (before {@link #start}); without it,
     * {@link TalkerSettings#DEFAULTS}.
     */
    public SmtpReceiver talkers(TalkerSettings t) {
        this.talkers = t;
        return this;
    }

    /** The name this host gives in greetings, trace lines and a generated certificate. */
    public static String localName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public void start() throws IOException {
        try {
            CheckedSink checked = greylist == null ? spooler::accept : greylist.before(spooler::accept);
            SmtpConnection.MessageSink sink = checks != null ? checks.before(router, checked)
                    : (c, message) -> checked.accept(c, message, c.trusted() ? Authentication.LOCAL : Authentication.NONE);
            loop = new SmtpLoop(settings, host, policy, space, sink, security);
            loop.monitor(monitor);
            loop.clients(new ClientLimiter(limits, monitor));
            loop.talkers(talkers);
            loop.screen(screen);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        processor.start();
        spooler.start();
        loop.start();
        LOG.info("SMTP receiver listening on {}:{} ({}{}{})", settings.host(), port(),
                security.tls() == null ? "no STARTTLS" : "STARTTLS with " + security.tls().certFile(),
                security.tlsRequired() ? ", required" : "", security.proxy() == null ? "" : ", " + security.proxy());
    }

    /**
     * Holds each client to {@code limits} (per-client sessions and rates, trusted networks), before
     * {@link #start}; without it there are none ({@link ClientLimits#NONE}).
     */
    public SmtpReceiver limits(ClientLimits limits) {
        this.limits = limits;
        return this;
    }

    /** The bound port (useful when the settings asked for port 0); only once started. */
    public int port() {
        return loop == null ? settings.port() : loop.port();
    }

    /** How many spooled messages are being routed now. */
    public int inFlight() {
        return processor.inFlight();
    }

    /** Answers new connections {@code 421 4.3.2} and closes them, while open sessions go on (a drain). */
    public void refuseNewConnections() {
        if (loop != null) {
            loop.refuseNew();
        }
    }

    /** Whether the listener is bound and taking connections: started, not stopping, and its loop not ended by a failure. */
    public boolean listening() {
        return loop != null && !loop.stopping() && loop.running();
    }

    /** How many client connections are open. */
    public int openConnections() {
        return loop == null ? 0 : loop.openConnections();
    }

    @Override
    public void stop(Duration grace) {
        if (loop != null) {
            loop.stop(grace);
        }
        if (checks != null) {
            checks.stop();
        }
        if (greylist != null) {
            greylist.stop();
        }
        spooler.stop(grace);
        processor.stop(grace);
        LOG.info("SMTP receiver on port {} stopped; {} message(s) left in the spool", settings.port(), spool.count());
    }
}
