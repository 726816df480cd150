package org.tubemail.handler;

import org.tubemail.mail.Authentication;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.MailResponse;
import org.tubemail.mail.Verdict;

import java.util.Locale;
import java.util.Optional;

/**
 * Which messages an {@link MailResponse#automatic() automatic} reply must not answer (RFC 3834 §2
 * and §3.1, and the rule against backscatter): mail with the null sender, automatic mail (a bounce,
 * or {@code Auto-Submitted} other than {@code no}), list and bulk mail ({@code Precedence: bulk},
 * {@code list} or {@code junk}, or a {@code List-Id}), and, unless {@code answerForged}, mail whose
 * sender's own domain says it is forged: SPF {@code fail} for the envelope sender (a {@code -all}
 * record, not {@code ~all}), or DMARC {@code fail} for a {@code From:} domain that publishes
 * {@code p=reject}. Counting per address is the {@code AutoReplyRelay}'s part.
 *
 * @param answerForged whether mail that fails SPF or DMARC {@code p=reject} is answered all the same
 */
public record AutoReplyRules(boolean answerForged) {

    /** The default: forged mail gets no automatic reply. */
    public static final AutoReplyRules STANDARD = new AutoReplyRules(false);

    /**
     * Why an automatic reply must not be sent.
     *
     * @param reason a short tag for metrics: {@code null_sender}, {@code automatic}, {@code bulk}, {@code spf_fail},
     *               {@code dmarc_reject}, {@code rate}
     * @param detail what was found, for the log
     */
    public record Suppression(String reason, String detail) {}

    /**
     * Why {@code response}, an automatic reply, must not be sent; empty when it may be, or when it is no automatic reply.
     *
     * @throws IllegalStateException when {@code response} is automatic but does not say which message it answers
     */
    public Optional<Suppression> check(MailResponse response) {
        if (!response.isAutomatic()) return Optional.empty();
        MailRequest request = response.answered().orElseThrow(() -> new IllegalStateException("an automatic reply to "
                + response.recipients() + " must say which message it answers: MailResponse.autoReply(request), "
                + "replyTo(request) or .answering(request)"));
        return check(request);
    }

    /** Why an automatic reply to {@code request} must not be sent; empty when it may be. */
    public Optional<Suppression> check(MailRequest request) {
        if (request.isNullSender()) {
            return suppressed("null_sender", "it has the null sender <>");
        }
        String auto = request.header("Auto-Submitted").orElse("no").trim().toLowerCase(Locale.ROOT);
        if (!auto.startsWith("no")) {
            return suppressed("automatic", "it is automatic (Auto-Submitted: " + auto + ")");
        }
        if (request.isBounce()) {
            return suppressed("automatic", "it is a bounce");
        }
        String precedence = request.header("Precedence").orElse("").trim().toLowerCase(Locale.ROOT);
        if (precedence.equals("bulk") || precedence.equals("list") || precedence.equals("junk")) {
            return suppressed("bulk", "it is bulk mail (Precedence: " + precedence + ")");
        }
        if (request.header("List-Id").isPresent()) {
            return suppressed("bulk", "it is list mail (List-Id)");
        }
        if (answerForged) return Optional.empty();
        Authentication auth = request.authentication();
        if (auth.spf().verdict() == Verdict.FAIL && !auth.spf().helo()) {
            return suppressed("spf_fail", "SPF fails for " + auth.spf().domain() + ": its record says <" + request.from()
                    + "> does not send from this client");
        }
        if (auth.dmarc().verdict() == Verdict.FAIL && auth.dmarc().policy().equals("reject")) {
            return suppressed("dmarc_reject", "DMARC fails for From: domain " + auth.dmarc().fromDomain() + ", which says p=reject");
        }
        return Optional.empty();
    }

    private static Optional<Suppression> suppressed(String reason, String detail) {
        return Optional.of(new Suppression(reason, detail));
    }
}
