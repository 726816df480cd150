package org.tubemail.internal.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.tubemail.mail.Bounce;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an RFC 3464 delivery status notification with Angus Mail's {@code dsn} module: the
 * per-message fields ({@code Reporting-MTA}) and one report per recipient ({@code Final-Recipient},
 * {@code Original-Recipient}, {@code Action}, {@code Status}, {@code Remote-MTA},
 * {@code Diagnostic-Code}). Reports about delivered, relayed or expanded recipients are not
 * failures and are left out; a notification with only those is not a bounce.
 */
public final class DsnReader {

    private DsnReader() {
    }

    /**
     * What a delivery status said.
     *
     * @param understood whether it held at least one recipient report
     * @param bounce     the failures, empty when every recipient was delivered (or nothing was understood)
     */
    public record Reading(boolean understood, Optional<Bounce> bounce) {
        static final Reading NOTHING = new Reading(false, Optional.empty());
    }

    public static Reading read(byte[] deliveryStatus, Map<String, List<String>> returnedHeaders) {
        DeliveryStatus dsn;
        try {
            dsn = new DeliveryStatus(new ByteArrayInputStream(deliveryStatus));
        } catch (MessagingException | IOException | RuntimeException e) {
            return Reading.NOTHING;
        }
        boolean understood = false;
        List<Bounce.Recipient> failed = new ArrayList<>();
        List<Bounce.Recipient> delayed = new ArrayList<>();
        for (int i = 0; i < dsn.getRecipientDSNCount(); i++) {
            InternetHeaders h = dsn.getRecipientDSN(i);
            String action = field(h, "Action").toLowerCase(Locale.ROOT);
            String diagnostic = typed(field(h, "Diagnostic-Code"));
            Optional<StatusCode> status = StatusCode.find(field(h, "Status")).or(() -> StatusCode.find(diagnostic));
            if (action.isEmpty() && status.isEmpty()) {
                continue; // an empty block between groups
            }
            understood = true;
            if (action.isEmpty()) {
                action = status.get().isPermanent() ? "failed" : status.get().isTransient() ? "delayed" : "delivered";
            }
            if (!action.equals("failed") && !action.equals("delayed")) {
                continue;
            }
            StatusCode code = status.orElse(action.equals("failed") ? new StatusCode(5, 0, 0) : new StatusCode(4, 0, 0));
            Bounce.Recipient r = new Bounce.Recipient(typed(field(h, "Final-Recipient")),
                    typed(field(h, "Original-Recipient")), action, code, mta(field(h, "Remote-MTA")), diagnostic);
            (action.equals("failed") ? failed : delayed).add(r);
        }
        failed.addAll(delayed);
        if (failed.isEmpty()) {
            return new Reading(understood, Optional.empty());
        }
        Bounce.Recipient first = failed.get(0);
        String reporting = mta(field(dsn.getMessageDSN(), "Reporting-MTA"));
        return new Reading(true, Optional.of(new Bounce(Bounce.kindOf(first.status(), first.action()), Bounce.Source.DSN, 1.0,
                reporting, failed, returnedHeaders)));
    }

    private static String field(InternetHeaders h, String name) {
        String v = h == null ? null : h.getHeader(name, " ");
        return v == null ? "" : HeaderText.decode(utf8(v));
    }

    /**
     * Header lines are read as Latin-1; a global delivery status (RFC 6533) writes UTF-8, so a value
     * whose bytes are valid UTF-8 is read again as UTF-8.
     */
    private static String utf8(String latin1) {
        if (latin1.chars().allMatch(c -> c < 0x80) || latin1.chars().anyMatch(c -> c > 0xff)) {
            return latin1;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (CharacterCodingException e) {
            return latin1;
        }
    }

    /** A server name without its address type, trailing comment and final dot. */
    private static String mta(String value) {
        return typed(value).replaceFirst("\\s*\\(.*\\)\\s*$", "").replaceFirst("\\.$", "");
    }

    /** {@code "rfc822; bob@example.org"} → {@code "bob@example.org"}; a value with no type stays. */
    static String typed(String value) {
        int semi = value.indexOf(';');
        if (semi > 0 && value.substring(0, semi).matches("\\s*[A-Za-z0-9-]+\\s*")) {
            value = value.substring(semi + 1);
        }
        value = value.trim();
        return value.startsWith("<") && value.endsWith(">") ? value.substring(1, value.length() - 1) : value;
    }
}
