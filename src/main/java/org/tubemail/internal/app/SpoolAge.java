package org.tubemail.internal.app;

import org.tubemail.internal.queue.MessageQueue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The age of the oldest message in a spool, for the {@code tubemail_spool_oldest_age_seconds}
 * gauge. A maildir key starts with the second it was written; a log spool's key is a sequence
 * number, so its age counts from the first time this gauge saw that message as the oldest (a lower
 * bound, exact to one scrape interval).
 */
final class SpoolAge {

    private static final Pattern MAILDIR_KEY = Pattern.compile("^(\\d{9,})\\.");

    private final MessageQueue spool;
    private String oldestKey;
    private long firstSeenMillis;

    SpoolAge(MessageQueue spool) {
        this.spool = spool;
    }

    /** Seconds since the oldest message waiting was stored; 0 when the spool is empty. */
    synchronized double seconds() {
        List<String> keys = spool.keys();
        long now = System.currentTimeMillis();
        if (keys.isEmpty()) {
            oldestKey = null;
            return 0;
        }
        String key = keys.get(0);
        Matcher m = MAILDIR_KEY.matcher(key);
        if (m.find()) {
            return Math.max(0, now / 1000.0 - Long.parseLong(m.group(1)));
        }
        if (!key.equals(oldestKey)) {
            oldestKey = key;
            firstSeenMillis = now;
        }
        return (now - firstSeenMillis) / 1000.0;
    }
}
