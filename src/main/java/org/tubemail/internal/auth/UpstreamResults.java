package org.tubemail.internal.auth;

import org.tubemail.internal.mail.HeaderFields;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.Verdict;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The verdicts that the MTA in front of Tubemail wrote into {@code Authentication-Results}
 * (RFC 8601), for the receivers that cannot check a sender themselves because their client is that
 * MTA (LMTP, a queue maildir): Postfix with OpenDKIM and OpenDMARC, or rspamd, checks; Tubemail
 * believes it. Only fields claiming the configured authserv-id count, and only those above the
 * message's first {@code Received:} field: the MTA puts its own there, while anything a sender
 * wrote sits below the MTA's {@code Received:} line. Several fields of that id are merged (OpenDKIM
 * and OpenDMARC each write one): the first SPF and DMARC results, every DKIM result.
 */
public final class UpstreamResults {

    /** Believes nobody: every message reads as {@link Authentication#NONE}. */
    public static final UpstreamResults NONE = new UpstreamResults(null);

    private static final Pattern POLICY_COMMENT = Pattern.compile("\\b(?:p|policy)=(none|quarantine|reject)\\b", Pattern.CASE_INSENSITIVE);

    private final String authservId;

    private UpstreamResults(String authservId) {
        this.authservId = authservId;
    }

    /** Believes the {@code Authentication-Results} fields of {@code authservId} (a host name) above the first {@code Received:}. */
    public static UpstreamResults trusting(String authservId) {
        if (authservId == null || !authservId.matches("[A-Za-z0-9.-]+")) {
            throw new IllegalArgumentException("an authserv-id is a host name (letters, digits, dots, hyphens): '" + authservId + "'");
        }
        return new UpstreamResults(authservId);
    }

    /** The verdicts in {@code message}'s trusted fields; {@link Authentication#NONE} when there are none. */
    public Authentication read(byte[] message) {
        if (authservId == null) {
            return Authentication.NONE;
        }
        List<String> results = new ArrayList<>();
        int pos = 0;
        while (pos < message.length) {
            int end = HeaderFields.fieldEnd(message, pos);
            if (end == pos) break;
            String field = new String(message, pos, end - pos, StandardCharsets.ISO_8859_1);
            String name = field.substring(0, Math.max(0, field.indexOf(':'))).strip().toLowerCase(Locale.ROOT);
            if (name.equals("received")) break;
            if (name.equals("authentication-results")) {
                results.addAll(resultsOf(field.substring(field.indexOf(':') + 1).replaceAll("\r?\n[ \t]", " ")));
            }
            pos = end;
        }
        return results.isEmpty() ? Authentication.NONE : verdicts(results);
    }

    /** The result statements of one field value, or none when it is not this authserv-id's. */
    private List<String> resultsOf(String value) {
        List<String> parts = statements(value);
        String[] idAndVersion = withoutComments(parts.get(0)).strip().split("\\s+");
        if (!idAndVersion[0].equalsIgnoreCase(authservId)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : parts.subList(1, parts.size())) {
            if (!part.isBlank()) out.add(part.strip());
        }
        return out;
    }

    /** The value split at the semicolons that are outside comments and quoted strings. */
    private static List<String> statements(String value) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"' && depth == 0) {
                quoted = !quoted;
            } else if (c == '(' && !quoted) {
                depth++;
            } else if (c == ')' && !quoted && depth > 0) {
                depth--;
            } else if (c == ';' && depth == 0 && !quoted) {
                out.add(value.substring(start, i));
                start = i + 1;
            }
        }
        out.add(value.substring(start));
        return out;
    }

    private static Authentication verdicts(List<String> results) {
        Authentication.Spf spf = null;
        Authentication.Dmarc dmarc = null;
        List<Authentication.Dkim> dkim = new ArrayList<>();
        for (String statement : results) {
            String plain = withoutComments(statement).strip();
            String[] words = plain.split("\\s+");
            int eq = words[0].indexOf('=');
            if (eq < 0) continue; // "none": no result
            String method = words[0].substring(0, eq).replaceAll("/.*", "").toLowerCase(Locale.ROOT);
            Verdict verdict = Verdict.of(words[0].substring(eq + 1));
            switch (method) {
                case "spf" -> {
                    if (spf == null) {
                        Optional<String> mailFrom = property(words, "smtp.mailfrom").map(UpstreamResults::domainOf);
                        spf = new Authentication.Spf(verdict, mailFrom.isEmpty(), mailFrom.or(() -> property(words, "smtp.helo")).orElse(""));
                    }
                }
                case "dkim" -> dkim.add(new Authentication.Dkim(verdict,
                        property(words, "header.d").or(() -> property(words, "header.i").map(UpstreamResults::domainOf)).orElse(""),
                        property(words, "header.s").orElse("")));
                case "dmarc" -> {
                    if (dmarc == null) {
                        Matcher p = POLICY_COMMENT.matcher(statement);
                        String policy = property(words, "policy.dmarc").or(() -> property(words, "policy.published-domain-policy"))
                                .orElse(p.find() ? p.group(1) : "");
                        dmarc = new Authentication.Dmarc(verdict, property(words, "header.from").orElse(""), policy.toLowerCase(Locale.ROOT));
                    }
                }
                default -> { } // other methods (arc, iprev, auth...) decide nothing here
            }
        }
        Authentication none = Authentication.NONE;
        return new Authentication(spf == null ? none.spf() : spf, dkim, dmarc == null ? none.dmarc() : dmarc);
    }

    private static Optional<String> property(String[] words, String name) {
        for (String w : words) {
            int eq = w.indexOf('=');
            if (eq > 0 && w.substring(0, eq).equalsIgnoreCase(name)) {
                String v = w.substring(eq + 1).replace("\"", "");
                return v.isEmpty() ? Optional.empty() : Optional.of(v.toLowerCase(Locale.ROOT));
            }
        }
        return Optional.empty();
    }

    private static String domainOf(String addressOrDomain) {
        return addressOrDomain.substring(addressOrDomain.lastIndexOf('@') + 1);
    }

    /** The text without RFC 5322 comments (nested parentheses; quoted strings kept). */
    private static String withoutComments(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (quoted || depth > 0)) {
                if (depth == 0) out.append(c).append(s.charAt(i + 1));
                i++;
            } else if (depth == 0 && c == '"') {
                quoted = !quoted;
                out.append(c);
            } else if (!quoted && c == '(') {
                depth++;
                out.append(' ');
            } else if (!quoted && c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
