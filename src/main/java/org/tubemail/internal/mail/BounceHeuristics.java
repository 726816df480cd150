package org.tubemail.internal.mail;

import org.tubemail.mail.Bounce;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads bounces that carry no RFC 3464 delivery status (qmail, old Exchange, Exim and Sendmail
 * texts, ...) by scoring evidence, in the manner of Salmon's {@code BounceAnalyzer}: each sign of a
 * bounce adds weight, each sign of an automatic reply (out of office, vacation) adds weight on the
 * other side, and a message is a bounce only when its bounce score reaches {@link #THRESHOLD} and
 * beats its auto-reply score. An auto-reply is never a bounce: its sender's address works.
 */
public final class BounceHeuristics {

    /** The bounce score from which a message is read as a bounce. */
    static final double THRESHOLD = 0.6;
    /** Only the start of a long body is read. */
    static final int MAX_TEXT = 64 * 1024;

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    private static final Pattern DAEMON = Pattern.compile("^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|"
            + "microsoftexchange[0-9a-f]*|mdaemon|bounces?)@", FLAGS);
    private static final Pattern BOUNCE_SUBJECT = Pattern.compile("failure notice|undeliver|returned mail|"
            + "delivery (status notification \\(failure|failure|failed|has failed|problem)|mail delivery (failed|failure|system)|"
            + "could not be delivered|non[- ]?delivery|nondeliverable|rejected:", FLAGS);
    private static final Pattern BOUNCE_TEXT = Pattern.compile("This is the qmail-send program|"
            + "I'm afraid I wasn't able to deliver|"
            + "did not reach (some or all of )?the(se)? (following |intended )?recipient|could not be reached|unable to deliver|"
            + "(could|can) ?not be delivered|delivery (to the following recipients? )?(has )?failed|"
            + "permanent(ly)? (fatal )?error|The following addresses had permanent fatal errors|"
            + "Unrouteable address|User unknown|(no such|unknown) (user|mailbox|recipient)|mailbox (is )?(unavailable|full)|"
            + "message (was|has been) (returned|rejected)|undeliverable|delivery has failed|"
            + "SMTP error from remote mail server|Remote host said:|retry time not reached|has not yet been delivered", FLAGS);
    private static final Pattern REPLY = Pattern.compile("(?<!\\d)([45])\\d\\d(?=[ :-]\\S|: )(?![\\d.]*\\d\\.\\d)");
    private static final Pattern TEMPORARY = Pattern.compile("temporar|will (keep|continue) trying|delayed|"
            + "has not yet been delivered|will be retried|retry", FLAGS);
    private static final Pattern PERMANENT = Pattern.compile("permanent|giving up|gave up", FLAGS);
    private static final Pattern AUTO_SUBJECT = Pattern.compile("out of (the )?office|automatic reply|auto(matic)?[- ]?(re)?reply|"
            + "^auto:|vacation|away from (the office|my (e-?mail|desk))|on leave|abwesenheit|r[ée]ponse automatique|"
            + "absence", FLAGS);
    private static final Pattern AUTO_TEXT = Pattern.compile("(I am|I'm|I will be) (currently )?(out of (the )?office|"
            + "away|on (vacation|holiday|leave))|limited access to (my )?e-?mail|(I will|I'll) (be back|return)|"
            + "back in the office|respond (to your (message|e-?mail) )?(when|upon) (I|my) return", FLAGS);
    // bounded repetitions (RFC 5321 lengths) keep every scan linear in the text, whatever it holds
    private static final Pattern ADDRESS = Pattern.compile("(?<![A-Za-z0-9.!#$%&'*+/=?^_`{|}~-])[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}"
            + "@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?){1,10}");
    private static final Pattern QMAIL_RECIPIENT = Pattern.compile("^<([^>\\s@]{1,64}@[^>\\s@]{1,255})>:[ \\t]*$", Pattern.MULTILINE);
    private static final Pattern QMAIL_HOST = Pattern.compile("qmail-send program at ([A-Za-z0-9.-]+)", FLAGS);
    private static final Pattern QMAIL_REMOTE = Pattern.compile("^(\\S+) (does not like recipient|failed after I sent)", Pattern.MULTILINE);
    private static final Pattern EXIM_REMOTE = Pattern.compile("host ([A-Za-z0-9.-]+) \\[[0-9a-fA-F:.]+\\]");
    private static final Pattern EXCHANGE_REMOTE = Pattern.compile("<([A-Za-z0-9.-]+) #([245]\\.\\d{1,3}\\.\\d{1,3})[^>]*>");
    private static final Pattern RETURNED_COPY = Pattern.compile("^(--- Below this line is a copy of the message\\.|"
            + "-+ This is a copy of the message, including all the headers\\. -+|"
            + "-+ Original message -+|-+ Returned message -+|-+ The original message was received.*)\\s*$", Pattern.MULTILINE | FLAGS);

    private BounceHeuristics() {
    }

    /** What a message offers as evidence. */
    public record Evidence(String envelopeFrom, String fromHeader, String subject, Map<String, List<String>> headers, String text,
                    Map<String, List<String>> returnedHeaders) {
    }

    public static Optional<Bounce> read(Evidence e) {
        String text = e.text().length() > MAX_TEXT ? e.text().substring(0, MAX_TEXT) : e.text();
        String body = beforeReturnedCopy(text);
        List<String> failedHeader = header(e, "x-failed-recipients");

        double bounce = 0;
        if (e.envelopeFrom().isEmpty()) {
            bounce += 0.2;
        }
        if (DAEMON.matcher(e.envelopeFrom()).find() || DAEMON.matcher(e.fromHeader()).find()) {
            bounce += 0.3;
        }
        if (BOUNCE_SUBJECT.matcher(e.subject()).find()) {
            bounce += 0.3;
        }
        Matcher templateMatch = BOUNCE_TEXT.matcher(body);
        boolean template = templateMatch.find();
        if (template) {
            bounce += 0.3;
        }
        if (!failedHeader.isEmpty()) {
            bounce += 0.4;
        }
        Optional<StatusCode> status = statusIn(body);
        if (status.isPresent() && !status.get().equals(StatusCode.ofReply(200))) {
            bounce += 0.2;
        }
        if (!e.returnedHeaders().isEmpty() || RETURNED_COPY.matcher(text).find()) {
            bounce += 0.1;
        }

        double auto = 0;
        if (AUTO_SUBJECT.matcher(e.subject()).find()) {
            auto += 0.5;
        }
        if (AUTO_TEXT.matcher(body).find()) {
            auto += 0.4;
        }
        if (hasAny(e, "x-autoreply", "x-autorespond", "x-autoresponder") || header(e, "precedence").stream()
                .anyMatch(v -> v.trim().equalsIgnoreCase("auto_reply")) || header(e, "x-auto-response-suppress").size() > 0) {
            auto += 0.4;
        }
        if (header(e, "auto-submitted").stream().anyMatch(v -> v.trim().toLowerCase(Locale.ROOT).startsWith("auto-replied"))
                && !template && failedHeader.isEmpty()) {
            auto += 0.3; // DSNs and bounces are auto-replied too; only without a bounce text does it point to a vacation
        }

        if (bounce < THRESHOLD || bounce <= auto) {
            return Optional.empty();
        }
        double score = Math.min(1.0, bounce);
        String recipient = recipient(body, template ? templateMatch.start() : 0, failedHeader, e);
        String action = status.map(s -> s.isTransient() ? "delayed" : "failed").orElse(
                TEMPORARY.matcher(body).find() && !PERMANENT.matcher(body).find() ? "delayed" : "failed");
        StatusCode code = status.filter(s -> !s.equals(StatusCode.ofReply(200)))
                .orElse(action.equals("delayed") ? new StatusCode(4, 0, 0) : new StatusCode(5, 0, 0));
        Bounce.Recipient r = new Bounce.Recipient(recipient, "", action, code, remoteMta(body), diagnostic(body, recipient));
        Map<String, List<String>> original = e.returnedHeaders().isEmpty() ? inlineCopyHeaders(text) : e.returnedHeaders();
        return Optional.of(new Bounce(Bounce.kindOf(code, action), Bounce.Source.HEURISTIC, score,
                reportingMta(body, e), List.of(r), original));
    }

    private static List<String> header(Evidence e, String name) {
        return e.headers().getOrDefault(name, List.of());
    }

    private static boolean hasAny(Evidence e, String... names) {
        for (String n : names) {
            if (!header(e, n).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static String beforeReturnedCopy(String text) {
        Matcher m = RETURNED_COPY.matcher(text);
        return m.find() ? text.substring(0, m.start()) : text;
    }

    /** An enhanced status code, else a bare SMTP reply code, in the report text. */
    static Optional<StatusCode> statusIn(String body) {
        Optional<StatusCode> code = StatusCode.find(body);
        if (code.isPresent()) {
            return code;
        }
        Matcher m = REPLY.matcher(body);
        return m.find() ? Optional.of(StatusCode.ofReply(Integer.parseInt(m.group(1)) * 100)) : Optional.empty();
    }

    /** X-Failed-Recipients, else qmail's {@code <address>:} line, else the first other address after the failure text. */
    private static String recipient(String body, int failureText, List<String> failedHeader, Evidence e) {
        if (!failedHeader.isEmpty()) {
            Matcher m = ADDRESS.matcher(failedHeader.get(0));
            if (m.find()) {
                return m.group();
            }
        }
        Matcher q = QMAIL_RECIPIENT.matcher(body);
        if (q.find()) {
            return q.group(1);
        }
        Matcher a = ADDRESS.matcher(body);
        a.region(failureText, body.length());
        while (a.find()) {
            String found = a.group();
            if (!found.equalsIgnoreCase(e.envelopeFrom()) && !DAEMON.matcher(found).find()) {
                return found;
            }
        }
        return "";
    }

    private static String remoteMta(String body) {
        for (Pattern p : List.of(EXIM_REMOTE, EXCHANGE_REMOTE, QMAIL_REMOTE)) {
            Matcher m = p.matcher(body);
            if (m.find()) {
                return m.group(1);
            }
        }
        return "";
    }

    private static String reportingMta(String body, Evidence e) {
        Matcher q = QMAIL_HOST.matcher(body);
        if (q.find()) {
            return q.group(1).replaceAll("\\.$", "");
        }
        String from = e.envelopeFrom().isEmpty() ? e.fromHeader() : e.envelopeFrom();
        Matcher a = ADDRESS.matcher(from);
        return a.find() ? a.group().substring(a.group().indexOf('@') + 1) : "";
    }

    /** The line that carries the remote reply: the first with a status or reply code, else the line after the address. */
    private static String diagnostic(String body, String recipient) {
        List<String> lines = new ArrayList<>(List.of(body.split("\\r?\\n")));
        for (String line : lines) {
            String l = line.trim();
            if (!l.isEmpty() && (StatusCode.find(l).isPresent() || REPLY.matcher(l).find())) {
                return l;
            }
        }
        for (int i = 0; i < lines.size() - 1; i++) {
            if (!recipient.isEmpty() && lines.get(i).contains(recipient) && !lines.get(i + 1).isBlank()) {
                return lines.get(i + 1).trim();
            }
        }
        return "";
    }

    /** The headers of a returned copy written inline after a marker line (qmail, Exim). */
    private static Map<String, List<String>> inlineCopyHeaders(String text) {
        Matcher m = RETURNED_COPY.matcher(text);
        if (!m.find()) {
            return Map.of();
        }
        String copy = text.substring(m.end()).replaceFirst("^\\s*\\n", "");
        return ReportParts.headers(copy.getBytes(StandardCharsets.UTF_8));
    }
}
