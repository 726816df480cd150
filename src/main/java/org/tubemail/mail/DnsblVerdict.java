package org.tubemail.mail;

import java.util.ArrayList;
import java.util.List;

/**
 * What the receiver's DNS blocklists and allowlists said about the client that sent a message: the
 * lists that named it, their weights, and whether the sum reached the threshold. Kept with the
 * envelope while the message is spooled and shown to handlers as {@link MailRequest#dnsbl()};
 * {@link #NONE} when no list named the client (or none was asked).
 *
 * @param score     the sum of the weights of every list that named the client (allowlists count negative)
 * @param threshold the score from which the client counts as listed
 * @param hits      each list that named the client, in the order the lists are configured
 */
public record DnsblVerdict(int score, int threshold, List<Hit> hits) {

    /** No list named the client. */
    public static final DnsblVerdict NONE = new DnsblVerdict(0, 1, List.of());

    /**
     * One list's answer.
     *
     * @param zone   the list's DNS zone
     * @param code   the address it answered, e.g. {@code 127.0.0.2}
     * @param weight what it adds to the score: positive for a blocklist, negative for an allowlist
     */
    public record Hit(String zone, String code, int weight) {
        @Override
        public String toString() {
            return zone + "=" + code + "*" + weight;
        }
    }

    public DnsblVerdict {
        hits = List.copyOf(hits);
    }

    /** Whether the score reached the threshold. */
    public boolean listed() {
        return !hits.isEmpty() && score >= threshold;
    }

    /** Whether an allowlist named the client. */
    public boolean allowlisted() {
        return hits.stream().anyMatch(h -> h.weight() < 0);
    }

    /** The blocklists that named the client, comma-separated, for a reply or a log line. */
    public String blocklists() {
        return String.join(", ", hits.stream().filter(h -> h.weight() > 0).map(Hit::zone).toList());
    }

    /**
     * On one line, as the {@code X-Tubemail-DNSBL} header shows it:
     * {@code listed score=2 threshold=1 bl.example=127.0.0.2*2 wl.example=127.0.10.1*-1}.
     */
    public String summary() {
        StringBuilder b = new StringBuilder(listed() ? "listed" : "clean");
        b.append(" score=").append(score).append(" threshold=").append(threshold);
        hits.forEach(h -> b.append(' ').append(h));
        return b.toString();
    }

    /** Reads back a {@link #summary()}; unreadable parts are skipped, an empty text is {@link #NONE}. */
    public static DnsblVerdict parse(String summary) {
        int score = 0;
        int threshold = 1;
        List<Hit> hits = new ArrayList<>();
        for (String word : summary.strip().split("\\s+")) {
            int eq = word.indexOf('=');
            int star = word.lastIndexOf('*');
            try {
                if (word.startsWith("score=")) {
                    score = Integer.parseInt(word.substring(6));
                } else if (word.startsWith("threshold=")) {
                    threshold = Integer.parseInt(word.substring(10));
                } else if (eq > 0 && star > eq) {
                    hits.add(new Hit(word.substring(0, eq), word.substring(eq + 1, star), Integer.parseInt(word.substring(star + 1))));
                }
            } catch (NumberFormatException e) {
                // skipped: a verdict is informative, never a reason to lose the message
            }
        }
        return hits.isEmpty() ? NONE : new DnsblVerdict(score, threshold, hits);
    }
}
