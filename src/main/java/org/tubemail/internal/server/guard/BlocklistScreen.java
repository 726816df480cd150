package org.tubemail.internal.server.guard;

import org.tubemail.internal.dns.DnsBlocklist;
import org.tubemail.internal.mail.TubemailFields;
import org.tubemail.mail.DnsblVerdict;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Screens SMTP clients against DNS blocklists and allowlists ({@code receiver.dnsbl},
 * {@code receiver.dnswl}). The receiver starts a {@link Screening} when a client connects (behind a
 * trusted proxy: once the PROXY header names it), so that the lists have answered, as a rule, by the
 * time the client says {@code RCPT}; a {@code RCPT} that comes sooner waits for them, at most the DNS
 * time limit. A listed client then gets {@link #refusal} to every {@code RCPT} with action
 * {@link Action#REJECT}; with {@link Action#TAG} its mail is taken, with an {@code X-Tubemail-DNSBL}
 * header ({@link #tag}) and the verdict on {@link org.tubemail.mail.MailRequest#dnsbl()}. Exempt clients
 * (trusted networks, as the composition root decides) are not looked up.
 */
public final class BlocklistScreen {

    /** The header a message from a client named by a list gets. */
    public static final String HEADER = "X-Tubemail-DNSBL";

    /** What happens to a listed client's mail. */
    public enum Action {
        /** {@code 554 5.7.1} to every {@code RCPT}. */
        REJECT,
        /** Taken, with the header and the verdict. */
        TAG
    }

    private static final Pattern LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%\\w+)?");

    private final DnsBlocklist lists;
    private final Action action;
    private final Predicate<InetAddress> exempt;

    /**
     * @param exempt clients never looked up (e.g. trusted networks); {@code a -> false} for none
     */
    public BlocklistScreen(DnsBlocklist lists, Action action, Predicate<InetAddress> exempt) {
        this.lists = lists;
        this.action = action;
        this.exempt = exempt;
    }

    /** Starts asking the lists about {@code clientIp} (an IP address literal), without blocking. */
    public Screening screen(String clientIp) {
        InetAddress client;
        try {
            client = LITERAL.matcher(clientIp).matches() ? InetAddress.getByName(clientIp) : null; // a literal: no lookup
        } catch (UnknownHostException e) {
            client = null;
        }
        boolean skip = client == null || exempt.test(client);
        return new Screening(clientIp, skip ? CompletableFuture.completedFuture(DnsblVerdict.NONE) : lists.check(client));
    }

    /** One client's screening: the lists' answers, once they are in. */
    public final class Screening {
        private final String clientIp;
        private final CompletableFuture<DnsblVerdict> verdict;

        private Screening(String clientIp, CompletableFuture<DnsblVerdict> verdict) {
            this.clientIp = clientIp;
            this.verdict = verdict;
        }

        /** Whether some list has not answered yet (nor timed out). */
        public boolean pending() {
            return !verdict.isDone();
        }

        /** Runs {@code then} once every list answered or timed out (at once if they have), on whatever thread completes it. */
        public void whenDone(Runnable then) {
            verdict.whenComplete((v, e) -> then.run());
        }

        /** The verdict so far: {@link DnsblVerdict#NONE} while {@link #pending()}. */
        public DnsblVerdict verdict() {
            return verdict.getNow(DnsblVerdict.NONE);
        }

        /**
         * The reply to a {@code RCPT} of a listed client when the action is {@link Action#REJECT},
         * e.g. {@code 554 5.7.1 Service unavailable; client 127.0.0.2 listed by bl.example}; null otherwise.
         */
        public String refusal() {
            DnsblVerdict v = verdict();
            if (action != Action.REJECT || !v.listed()) return null;
            return "554 5.7.1 Service unavailable; client " + clientIp + " listed by " + v.blocklists();
        }
    }

    /**
     * {@code message} without the client's own {@code X-Tubemail-*} fields ({@link TubemailFields}), with an
     * {@value #HEADER} header on top when a list named the client.
     */
    public static byte[] tag(DnsblVerdict verdict, byte[] client) {
        byte[] message = TubemailFields.strip(client);
        if (verdict.equals(DnsblVerdict.NONE)) return message;
        byte[] header = (HEADER + ": " + verdict.summary() + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[header.length + message.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(message, 0, out, header.length, message.length);
        return out;
    }

    @Override
    public String toString() {
        return lists + ", action " + action.name().toLowerCase(java.util.Locale.ROOT);
    }
}
