package org.tubemail.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;
import org.tubemail.mail.Addresses;
import org.tubemail.mail.Envelope;
import org.tubemail.queue.EnvelopeHeaders;
import org.tubemail.queue.MessageQueue;
import org.tubemail.routing.Router;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An SMTP listener (on SubEthaSMTP) that hands mail to a {@link Router}.
 *
 * <p><b>Durable acceptance</b>: after {@code DATA}, the message and its envelope are pushed to the
 * spool queue (by default a {@link org.tubemail.queue.LogQueue}, which syncs to disk) before
 * {@code 250} is answered. The session's own thread then routes the message, after the reply and
 * before it reads the client's next command (no hand-over to another thread); when all routing
 * slots are busy or routing fails, worker threads route it instead. Either way at least once (see
 * {@link SpoolProcessor}). A message the spool cannot take gets {@code 451}, so the client retries.
 *
 * <p>Replies: unknown recipient domain {@code 550 5.7.1} (never an open relay), no route
 * {@code 550 5.1.1}, bad address {@code 501 5.1.3}, too many recipients {@code 452}, message too
 * large {@code 552}, too many connections {@code 421}; bad or out-of-order commands get
 * SubEthaSMTP's {@code 500}/{@code 501}/{@code 503}.
 */
public final class SmtpReceiver implements Receiver {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpReceiver.class);

    private final ReceiverSettings settings;
    private final MessageQueue spool;
    private final RecipientPolicy policy;
    private final SpoolProcessor processor;
    private final IdleWatch idleWatch;
    private final SMTPServer server;

    /**
     * @param settings where to listen and the limits
     * @param router   where messages go
     * @param spool    where accepted messages wait until routed
     */
    public SmtpReceiver(ReceiverSettings settings, Router router, MessageQueue spool) {
        this.settings = settings;
        this.spool = spool;
        this.policy = new RecipientPolicy(settings.acceptedDomains(), router);
        this.processor = new SpoolProcessor("smtp-spool", spool, router, settings.workers(), Duration.ofSeconds(1));
        this.idleWatch = new IdleWatch(settings.idleTimeout());
        this.server = SMTPServer.port(settings.port())
                .bindAddress(address(settings.host()))
                .softwareName("Tubemail")
                .insertReceivedHeaders(false)
                .maxConnections(settings.maxConnections())
                .connectionTimeout(0, TimeUnit.MILLISECONDS) // the idle watch cuts silent clients off instead
                .serverSocketFactory(idleWatch)
                .maxRecipients(settings.maxRecipients())
                .maxMessageSize((int) Math.min(Integer.MAX_VALUE, settings.maxMessageBytes()))
                .messageHandlerFactory(this::session)
                .build();
        BlockDataCommand.install(server, (int) Math.min(Integer.MAX_VALUE - 1, settings.maxMessageBytes()));
    }

    private static InetAddress address(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot resolve listen address '" + host + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void start() throws IOException {
        processor.start();
        idleWatch.start();
        try {
            server.start();
        } catch (RuntimeException e) {
            processor.stop(Duration.ZERO);
            idleWatch.stop();
            throw new IOException("cannot listen on " + settings.host() + ":" + settings.port() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
        LOG.info("SMTP receiver listening on {}:{}", settings.host(), port());
    }

    /** The bound port (useful when the settings asked for port 0). */
    public int port() {
        return server.getPortAllocated();
    }

    /** How many spooled messages are being routed now. */
    public int inFlight() {
        return processor.inFlight();
    }

    @Override
    public void stop(Duration grace) {
        server.stop();
        idleWatch.stop();
        processor.stop(grace);
        LOG.info("SMTP receiver on port {} stopped; {} message(s) left in the spool", settings.port(), spool.count());
    }

    private MessageHandler session(MessageContext context) {
        return new Session(context);
    }

    /** One mail transaction. */
    private final class Session implements MessageHandler {
        private final MessageContext context;
        private final String clientIp;
        private final String peer;
        private String from = "";
        private String spooled;
        private final List<String> recipients = new ArrayList<>();

        Session(MessageContext context) {
            this.context = context;
            SocketAddress a = context.getRemoteAddress();
            InetSocketAddress remote = a instanceof InetSocketAddress i ? i : null;
            this.clientIp = remote != null ? remote.getAddress().getHostAddress() : String.valueOf(a);
            this.peer = remote != null ? clientIp + ":" + remote.getPort() : clientIp;
        }

        @Override
        public void from(String address) throws RejectException {
            String a = Addresses.strip(address);
            if (a.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new RejectException(501, "5.1.7 Bad sender address syntax");
            }
            from = a;
        }

        @Override
        public void recipient(String address) throws RejectException {
            String a = RecipientPolicy.normalise(address);
            RecipientPolicy.Refusal refusal = policy.check(a);
            if (refusal != null) {
                throw new RejectException(refusal.code(), refusal.text());
            }
            recipients.add(a);
        }

        @Override
        public String data(InputStream data) throws RejectException, IOException {
            byte[] raw = data.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxMessageBytes() + 1));
            if (raw.length > settings.maxMessageBytes()) {
                data.transferTo(java.io.OutputStream.nullOutputStream());
                throw new RejectException(552, "5.3.4 Message too big: the limit is " + settings.maxMessageBytes() + " bytes");
            }
            Envelope envelope = new Envelope(peer, from, recipients);
            String key;
            try {
                byte[] traced = TraceHeader.prepend(context.getHelo().orElse(""), clientIp, context.getSMTPServer().getHostName(),
                        "ESMTP", context.getSessionId(), raw);
                key = spool.push(EnvelopeHeaders.wrap(envelope, "", traced));
            } catch (RuntimeException e) {
                LOG.error("cannot spool message from <{}> ({}): {}", from, peer, e.getMessage());
                throw new RejectException(451, "4.3.0 Cannot store the message now, try again later");
            }
            spooled = key;
            return "2.0.0 Ok: queued as " + key;
        }

        @Override
        public void done() {
            // called once the transaction is over, after the reply to DATA has gone out
            if (spooled != null) {
                processor.routeNow(spooled);
            }
        }
    }
}
