package org.tubemail.internal.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The new text of a reply, without the history it quotes and without the signature, as Mailgun's
 * {@code stripped-text} and {@code stripped-signature}. Recognised, in the plain-text body:
 * <ul>
 *   <li>an attribution line ending the new text: {@code On Mon, 1 Jan 2024 at 10:00, Ann <ann@x> wrote:}
 *       (Gmail, Apple Mail, Thunderbird; also when wrapped over up to three lines, and the French,
 *       German, Spanish and Dutch forms);</li>
 *   <li>Outlook's separators: {@code -----Original Message-----}, a line of underscores, or a
 *       header block ({@code From:} followed by {@code Sent:}/{@code Date:} and {@code To:} or
 *       {@code Subject:}) with everything after it;</li>
 *   <li>lines quoted with {@code >}, wherever they are (inline replies keep their own lines);</li>
 *   <li>a signature after the {@code -- } line (RFC 3676; also without its trailing space), and a
 *       final "Sent from my ..." line of mobile clients.</li>
 * </ul>
 *
 * @param text      the new text, trimmed
 * @param signature the signature cut off, or {@code ""}
 */
public record ReplyText(String text, String signature) {

    private static final Pattern ATTRIBUTION = Pattern.compile(
            "(?is)^\\s*(on|le|am|el|op)\\s.{1,300}(wrote|a écrit|schrieb|escribió|schreef)\\s*:\\s*$");
    private static final Pattern ORIGINAL = Pattern.compile("(?i)^\\s*-{2,}\\s*(original message|ursprüngliche nachricht|message d'origine)\\s*-{2,}\\s*$");
    private static final Pattern UNDERSCORES = Pattern.compile("^\\s*_{10,}\\s*$");
    private static final Pattern HEADER_FROM = Pattern.compile("(?i)^\\s*\\*?(from|von|de)\\s*:\\*?\\s.*");
    private static final Pattern HEADER_OTHER = Pattern.compile("(?i)^\\s*\\*?(sent|date|to|subject|cc|gesendet|an|betreff|envoyé|objet)\\s*:\\*?.*");
    private static final Pattern SIGNATURE = Pattern.compile("^-- ?$");
    private static final Pattern MOBILE = Pattern.compile("(?i)^\\s*sent from my \\S.{0,40}$");

    /** Splits {@code body} (a plain-text body; any line endings) into new text and signature. */
    public static ReplyText of(String body) {
        List<String> lines = List.of(body.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1));
        int end = historyStart(lines);
        List<String> kept = new ArrayList<>();
        for (String line : lines.subList(0, end)) {
            if (!line.startsWith(">")) {
                kept.add(line);
            }
        }
        String signature = "";
        for (int i = kept.size() - 1; i >= 0; i--) {
            if (SIGNATURE.matcher(kept.get(i)).matches()) {
                signature = String.join("\n", kept.subList(i + 1, kept.size())).strip();
                kept = new ArrayList<>(kept.subList(0, i));
                break;
            }
        }
        int last = kept.size() - 1;
        while (last >= 0 && kept.get(last).isBlank()) {
            last--;
        }
        if (signature.isEmpty() && last >= 0 && MOBILE.matcher(kept.get(last)).matches()) {
            signature = kept.get(last).strip();
            kept = new ArrayList<>(kept.subList(0, last));
        }
        return new ReplyText(String.join("\n", kept).strip(), signature);
    }

    /** The index of the first line of quoted history, or the line count when there is none. */
    private static int historyStart(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (ORIGINAL.matcher(line).matches() || UNDERSCORES.matcher(line).matches() && headerBlockAt(lines, i + 1)
                    || headerBlockAt(lines, i)) {
                return i;
            }
            String joined = line;
            for (int j = i; j < Math.min(lines.size(), i + 3); j++) {
                if (j > i) {
                    if (lines.get(j).isBlank()) {
                        break;
                    }
                    joined += " " + lines.get(j).strip();
                }
                if (ATTRIBUTION.matcher(joined).matches()) {
                    return i;
                }
            }
        }
        return lines.size();
    }

    /** Whether an Outlook header block ({@code From:} then {@code Sent:}, {@code To:}, ...) starts at line {@code i}. */
    private static boolean headerBlockAt(List<String> lines, int i) {
        while (i < lines.size() && lines.get(i).isBlank()) {
            i++;
        }
        if (i >= lines.size() || !HEADER_FROM.matcher(lines.get(i)).matches()) {
            return false;
        }
        int others = 0;
        for (int j = i + 1; j < Math.min(lines.size(), i + 6) && !lines.get(j).isBlank(); j++) {
            if (HEADER_OTHER.matcher(lines.get(j)).matches()) {
                others++;
            }
        }
        return others >= 2;
    }
}
