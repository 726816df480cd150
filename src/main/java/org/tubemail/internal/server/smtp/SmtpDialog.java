package org.tubemail.internal.server.smtp;

import org.tubemail.internal.io.FreeSpace;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.RecipientPolicy;
import org.tubemail.internal.server.guard.ClientSession;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command side of one SMTP conversation (RFC 5321, with 8BITMIME, PIPELINING, SIZE,
 * ENHANCEDSTATUSCODES and SMTPUTF8), without any I/O: it takes command lines and returns the reply
 * to each. What it decides: {@code HELO}/{@code EHLO} before {@code MAIL}, one sender per
 * transaction, recipients checked by the {@link RecipientPolicy} and capped at the recipient
 * limit, a declared {@code SIZE} checked against the size limit. The message text itself is read
 * by the connection once {@link #expectsData()} holds.
 *
 * <p>Replies: unknown commands {@code 500}, bad syntax {@code 501} (also a path that is not RFC
 * 5321 syntax, see {@link SmtpPath}), out-of-order commands {@code 503}, unsupported parameters
 * {@code 555}, {@code MAIL} while the spool is below its free-space watermark {@code 452 4.3.1},
 * not-offered extensions ({@code AUTH}, {@code BDAT}, {@code EXPN}, and {@code STARTTLS} without a
 * certificate) {@code 502}, a client past its message or recipient rate ({@link #client}) {@code 450 4.7.1};
 * the connection answers a line ended by a bare LF with {@link #BARE_LF}.
 *
 * <p>STARTTLS (RFC 3207): offered in {@code EHLO} until TLS is on; {@code 220} tells the
 * connection to start TLS ({@link #startTls()}), after which it calls {@link #tlsStarted()}: the
 * session starts over and the client must say {@code EHLO} again. When TLS is required,
 * {@code MAIL} before it gets {@code 530 5.7.0}.
 *
 * <p>The same rules serve LMTP ({@link Protocol#LMTP}, made by {@link #lmtp}): there {@code LHLO}
 * takes the place of {@code EHLO} ({@code HELO} and {@code EHLO} get {@code 500}), and {@code DATA}
 * without an accepted recipient gets {@code 503} (RFC 2033 section 4.2).
 */
public final class SmtpDialog {

    /**
     * The reply to a command line ended by a bare LF, which is refused rather than guessed at (as
     * Postfix's {@code smtpd_forbid_bare_newline=yes}): every line must end with CRLF.
     */
    public static final String BARE_LF = "500 5.5.2 Command line ended by a bare LF: end every line with CRLF";

    /** The longest command line taken, CRLF included; RFC 5321 asks for 512 at least, extensions more. */
    public static final int MAX_LINE = 4096;

    /** The reply to a command line longer than {@link #MAX_LINE}. */
    public static final String TOO_LONG = "500 5.5.2 Line too long (the limit is " + MAX_LINE + " bytes)";

    /** The reply to {@code MAIL} while the spool's file system is below its free-space watermark. */
    static final String LOW_SPACE = "452 4.3.1 Insufficient system storage, try again later";

    private final String host;
    private final Protocol protocol;
    private final ReceiverSettings settings;
    private final RecipientPolicy policy;
    private final FreeSpace space;
    private String helo;
    private boolean extended;
    private String from;
    private final List<String> recipients = new ArrayList<>();
    private boolean data;
    private boolean quit;
    private final boolean tlsOffered;
    private final boolean tlsRequired;
    private boolean tlsActive;
    private boolean startTls;
    /** The client's per-client limits ({@code 450 4.7.1} past its message or recipient rate). */
    private ClientSession client = ClientSession.UNLIMITED;

    SmtpDialog(String host, ReceiverSettings settings, RecipientPolicy policy) {
        this(host, settings, policy, FreeSpace.unlimited());
    }

    /** With a low-space watermark on the spool: below it, {@code MAIL} gets {@code 452 4.3.1}. */
    SmtpDialog(String host, ReceiverSettings settings, RecipientPolicy policy, FreeSpace space) {
        this(host, settings, policy, space, false, false);
    }

    /** With a watermark, and STARTTLS offered (and perhaps required) or not. */
    SmtpDialog(String host, ReceiverSettings settings, RecipientPolicy policy, FreeSpace space, boolean tlsOffered,
               boolean tlsRequired) {
        this(Protocol.SMTP, host, settings, policy, space, tlsOffered, tlsRequired);
    }

    private SmtpDialog(Protocol protocol, String host, ReceiverSettings settings, RecipientPolicy policy, FreeSpace space,
                       boolean tlsOffered, boolean tlsRequired) {
        this.protocol = protocol;
        this.host = host;
        this.settings = settings;
        this.policy = policy;
        this.space = space;
        this.tlsOffered = tlsOffered;
        this.tlsRequired = tlsRequired;
    }

    /**
     * An LMTP dialog (no spool, so no free-space watermark).
     *
     * @param host        the name to greet with
     * @param settings    the size and recipient limits
     * @param policy      which recipients are taken
     * @param tlsOffered  whether {@code LHLO} offers {@code STARTTLS}
     * @param tlsRequired whether {@code MAIL} needs TLS first
     */
    public static SmtpDialog lmtp(String host, ReceiverSettings settings, RecipientPolicy policy, boolean tlsOffered,
                                  boolean tlsRequired) {
        return new SmtpDialog(Protocol.LMTP, host, settings, policy, FreeSpace.unlimited(), tlsOffered, tlsRequired);
    }

    /** The reply to a client that stayed silent past the idle timeout, before the connection is closed. */
    public String timeout() {
        return "421 4.4.2 " + host + " Error: timeout exceeded";
    }

    /** The reply to a message (or a declared {@code SIZE}) over the size limit. */
    public String tooBig() {
        return "552 5.3.4 Message too big: the limit is " + settings.maxMessageBytes() + " bytes";
    }

    /** The reply to a connection beyond the connection limit, before it is closed. */
    public static String tooManyConnections(String host) {
        return "421 4.3.2 " + host + " Too many connections, try again later";
    }

    /** The reply that opens the conversation. */
    public String greeting() {
        return "220 " + host + " " + protocol.greetingWord() + " Tubemail";
    }

    /**
     * Handles one command line (without its CRLF).
     *
     * @return the reply, without the final CRLF (several lines for {@code EHLO})
     */
    public String command(String line) {
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String arg = space < 0 ? "" : line.substring(space + 1).strip();
        return switch (verb) {
            case "EHLO", "HELO", "LHLO" -> hello(verb, arg);
            case "MAIL" -> mail(arg);
            case "RCPT" -> rcpt(arg);
            case "DATA" -> data();
            case "RSET" -> {
                reset();
                yield "250 2.0.0 Ok";
            }
            case "NOOP" -> "250 2.0.0 Ok";
            case "VRFY" -> "252 2.5.0 Cannot verify, but will accept the message and try";
            case "HELP" -> "214 2.0.0 Commands: " + protocol.hellos() + " MAIL RCPT DATA RSET NOOP VRFY QUIT";
            case "QUIT" -> {
                quit = true;
                yield "221 2.0.0 Bye";
            }
            case "STARTTLS" -> startTls(arg);
            case "AUTH", "BDAT", "EXPN", "TURN", "ETRN" -> "502 5.5.1 " + verb + " is not offered here";
            default -> "500 5.5.2 Unknown command";
        };
    }

    private String hello(String verb, String arg) {
        if (verb.equals("LHLO") != (protocol == Protocol.LMTP)) {
            return protocol == Protocol.LMTP ? "500 5.5.1 This is an LMTP server: use LHLO" : "500 5.5.2 Unknown command";
        }
        boolean extended = !verb.equals("HELO");
        if (arg.isEmpty()) {
            return "501 5.5.4 " + verb + " needs a host name";
        }
        helo = arg;
        this.extended = extended;
        reset();
        if (!extended) {
            return "250 " + host;
        }
        return "250-" + host + (tlsOffered && !tlsActive ? "\r\n250-STARTTLS" : "") + "\r\n250-8BITMIME\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-SMTPUTF8\r\n250 SIZE "
                + settings.maxMessageBytes();
    }

    private String mail(String arg) {
        if (helo == null) {
            return protocol == Protocol.LMTP ? "503 5.5.1 Send LHLO first" : "503 5.5.1 Send HELO or EHLO first";
        }
        if (tlsRequired && !tlsActive) {
            return "530 5.7.0 Must issue a STARTTLS command first";
        }
        if (from != null) {
            return "503 5.5.1 Sender already given";
        }
        if (!arg.regionMatches(true, 0, "FROM:", 0, 5)) {
            return "501 5.5.4 Syntax: MAIL FROM:<address>";
        }
        if (space.low()) {
            return LOW_SPACE;
        }
        SmtpPath path = SmtpPath.parse(arg.substring(5));
        if (path == null) {
            return "501 5.1.7 Bad sender address syntax";
        }
        for (String p : path.parameters()) {
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
            String value = eq < 0 ? "" : p.substring(eq + 1); // not by key.length(): upper case may change it ("ß" -> "SS")
            switch (key) {
                case "SIZE" -> {
                    if (!value.matches("[0-9]{1,18}")) {
                        return "501 5.5.4 SIZE needs a number";
                    }
                    if (Long.parseLong(value) > settings.maxMessageBytes()) {
                        return tooBig();
                    }
                }
                case "BODY", "SMTPUTF8" -> {
                }
                default -> {
                    return "555 5.5.4 Parameter " + key + " is not supported";
                }
            }
        }
        String limited = client.mail();
        if (limited != null) {
            return limited;
        }
        from = path.address();
        return "250 2.1.0 Ok";
    }

    private String rcpt(String arg) {
        if (from == null) {
            return "503 5.5.1 Send MAIL first";
        }
        if (!arg.regionMatches(true, 0, "TO:", 0, 3)) {
            return "501 5.5.4 Syntax: RCPT TO:<address>";
        }
        if (recipients.size() >= settings.maxRecipients()) {
            return "452 4.5.3 Too many recipients";
        }
        SmtpPath path = SmtpPath.parse(arg.substring(3));
        if (path == null) {
            return "501 5.1.3 Bad recipient address syntax";
        }
        String limited = client.recipient();
        if (limited != null) {
            return limited;
        }
        String a = RecipientPolicy.normalise(path.address());
        RecipientPolicy.Refusal refusal = policy.check(a);
        if (refusal != null) {
            return refusal.code() + " " + refusal.text();
        }
        recipients.add(a);
        return "250 2.1.5 Ok";
    }

    private String data() {
        if (from == null) {
            return "503 5.5.1 Send MAIL first";
        }
        if (recipients.isEmpty()) {
            return protocol == Protocol.LMTP ? "503 5.5.1 Send RCPT first" : "554 5.5.1 No valid recipients";
        }
        data = true;
        return "354 End data with <CR><LF>.<CR><LF>";
    }

    private String startTls(String arg) {
        if (!tlsOffered) {
            return "502 5.5.1 STARTTLS is not offered here";
        }
        if (tlsActive) {
            return "503 5.5.1 TLS is already active";
        }
        if (!arg.isEmpty()) {
            return "501 5.5.4 STARTTLS takes no parameters";
        }
        startTls = true;
        return "220 2.0.0 Ready to start TLS";
    }

    /**
     * The code of a refused recipient, for the metrics: that of {@code reply} when {@code line} is a
     * {@code RCPT} answered with {@code 4xx} or {@code 5xx}, else 0.
     */
    public static int refusedRecipient(String line, String reply) {
        if (line.regionMatches(true, 0, "RCPT", 0, 4) && !reply.isEmpty() && reply.charAt(0) >= '4') {
            try {
                return Integer.parseInt(reply.substring(0, 3));
            } catch (RuntimeException e) {
                return 0;
            }
        }
        return 0;
    }

    /** Holds {@code MAIL} and {@code RCPT} to the limits of the client's {@code session}. */
    void client(ClientSession session) {
        this.client = session;
    }

    /** Whether the last command was an accepted {@code STARTTLS}: TLS starts once its reply is sent. */
    public boolean startTls() {
        return startTls;
    }

    /** TLS is on: the session starts over (RFC 3207 section 4.2), the client must greet again. */
    public void tlsStarted() {
        startTls = false;
        tlsActive = true;
        helo = null;
        reset();
    }

    /** Whether {@code EHLO} has offered {@code PIPELINING} (since TLS started, if it did). */
    boolean pipeliningOffered() {
        return helo != null && extended;
    }

    /** Whether the conversation runs over TLS. */
    public boolean tlsActive() {
        return tlsActive;
    }

    /** Whether the last command was an accepted {@code DATA}: the message text comes next. */
    public boolean expectsData() {
        return data;
    }

    /** Whether the client said {@code QUIT}. */
    public boolean quit() {
        return quit;
    }

    /** The name the client gave in {@code HELO}/{@code EHLO}. */
    public String helo() {
        return helo;
    }

    /**
     * The protocol word of the {@code Received:} line (RFC 3848), decided here only: {@code SMTP}
     * after {@code HELO}, {@code ESMTP} after {@code EHLO}, {@code LMTP} in LMTP.
     */
    public String traceProtocol() {
        return protocol == Protocol.LMTP ? "LMTP" : extended ? "ESMTP" : "SMTP";
    }

    /** The transaction's sender ({@code ""} for the null sender). */
    public String from() {
        return from;
    }

    /** The transaction's accepted recipients. */
    public List<String> recipients() {
        return List.copyOf(recipients);
    }

    /** Ends the transaction (after its message, or on {@code RSET}/{@code EHLO}). */
    public void reset() {
        from = null;
        recipients.clear();
        data = false;
    }
}
