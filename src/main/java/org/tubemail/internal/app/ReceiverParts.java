package org.tubemail.internal.app;

import org.tubemail.internal.config.Settings;
import org.tubemail.internal.monitor.MeteredMonitor;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.Receiver;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.guard.BlocklistScreen;
import org.tubemail.internal.server.guard.ClientLimits;
import org.tubemail.internal.server.imap.ImapReceiver;
import org.tubemail.internal.server.lmtp.LmtpReceiver;
import org.tubemail.internal.server.lmtp.UnixLmtpReceiver;
import org.tubemail.internal.server.smtp.SmtpReceiver;
import org.tubemail.internal.server.spool.QueueReceiver;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The receivers an {@link Assembly} describes, over its router: SMTP with its spool and guards,
 * and LMTP (TCP, unix socket), IMAP mailboxes and a watched maildir when configured.
 *
 * @param smtp      the SMTP receiver
 * @param spool     the SMTP spool ({@code queue.spool.*})
 * @param all       every receiver, SMTP first, in start order
 * @param drain     how the server drains before it stops
 */
record ReceiverParts(SmtpReceiver smtp, MessageQueue spool, List<Receiver> all, Drain drain) {

    /** Builds them; receivers whose settings can be wrong are built before the spool is opened (and locked). */
    static ReceiverParts of(Assembly a) {
        Settings s = a.settings();
        ReceiverSettings receiving = a.receiverSettings();
        ConnectionSecurity security = a.security();
        SmtpReceiver.DataReply dataReply = dataReply(s);
        a.http(); // checked, as the above, before the storage is opened
        Router router = a.router();
        String queuePath = s.string("receiver.queue.path", "");
        QueueReceiver queue = queuePath.isEmpty() ? null : a.queueReceiver(s.path("receiver.queue.path", queuePath));
        List<ImapReceiver> imap = ImapMailboxes.create(s, router, receiving.maxMessageBytes());
        UnixLmtpReceiver lmtpSocket = s.string("receiver.lmtp.socket", "").isEmpty() ? null
                : new UnixLmtpReceiver(s.path("receiver.lmtp.socket", ""), s.permissions("receiver.lmtp.socket.mode", "660"),
                s.string("receiver.lmtp.socket.group", ""), receiving, router).believing(SenderAuth.upstream(s));
        ClientLimits limits = ClientLimitSettings.read(s);
        Predicate<InetAddress> trusted = limits.trusted()::contains; // receiver.trusted.networks: exempt from DNS lists and greylisting too
        BlocklistScreen screen = DnsListsAndGreylist.screen(s, trusted, a::resolver);
        MeteredMonitor monitor = a.metered();
        MessageQueue spool = Spools.open(s, monitor, receiving.workers());
        SmtpReceiver smtp = new SmtpReceiver(receiving, router, spool, a.spoolSpace(), dataReply, security,
                SenderAuth.create(s, router, a.resolver())).limits(limits).talkers(Talkers.create(s, receiving));
        smtp.guards(screen, DnsListsAndGreylist.greylist(s, router.storage(), trusted));
        List<Receiver> all = new ArrayList<>(List.of(smtp));
        if (!s.string("receiver.lmtp.port", "").isEmpty()) {
            all.add(new LmtpReceiver(new ReceiverSettings(s.string("receiver.lmtp.host", receiving.host()),
                    s.port("receiver.lmtp.port", 0), receiving.acceptedDomains(), receiving.maxMessageBytes(),
                    receiving.maxRecipients(), receiving.idleTimeout(), receiving.maxConnections(), receiving.workers()), router,
                    new ConnectionSecurity(security.tls(), security.tlsRequired(), null)).believing(SenderAuth.upstream(s)));
        }
        if (lmtpSocket != null) {
            all.add(lmtpSocket);
        }
        all.addAll(imap);
        if (queue != null) {
            all.add(queue);
        }
        // A shared spool needs no waiting for routing: the stop hands this server's claims back, and the others route them.
        Drain drain = new Drain(Drain.Timing.from(s), smtp, Spools.shared(s) ? () -> true : () -> spool.count() == 0);
        return new ReceiverParts(smtp, spool, List.copyOf(all), drain);
    }

    /** When SMTP answers DATA: {@code receiver.smtp.data.reply=spooled} (the default) or {@code routed}. */
    private static SmtpReceiver.DataReply dataReply(Settings s) {
        return s.choice("receiver.smtp.data.reply", "spooled", "spooled", "routed").equals("routed")
                ? SmtpReceiver.DataReply.ROUTED : SmtpReceiver.DataReply.SPOOLED;
    }
}
