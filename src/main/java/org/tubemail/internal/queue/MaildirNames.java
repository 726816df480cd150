package org.tubemail.internal.queue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maildir file names: unique new ones ({@code SECONDS.M<micros>P<pid>Q<counter>.HOST}, the form
 * Dovecot uses) and the order of existing ones, oldest first.
 */
final class MaildirNames {

    /** Shared by every queue in this process, so that the pid and counter make names unique. */
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final long PID = ProcessHandle.current().pid();
    private static final String HOST = hostName();
    private static final Pattern TIME = Pattern.compile("^(\\d+)(?:\\.M(\\d+))?");
    private static final Pattern SEQUENCE = Pattern.compile("Q(\\d+)");

    /** Orders names (or keys) by the time they start with, then the writer's counter, then the name. */
    static final Comparator<String> OLDEST_FIRST = Comparator
            .comparingLong((String n) -> number(TIME, n, 1))
            .thenComparingLong(n -> number(TIME, n, 2))
            .thenComparingLong(n -> number(SEQUENCE, n, 1))
            .thenComparing(Comparator.naturalOrder());

    /** A name no other writer, in this process or another, uses. */
    String next() {
        Instant now = Instant.now();
        return now.getEpochSecond() + ".M" + now.getNano() / 1000 + "P" + PID + "Q" + COUNTER.incrementAndGet() + "." + HOST;
    }

    /** The key of a file name: the name without its {@code :2,FLAGS} info. */
    static String keyOf(String name) {
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    /** Whether {@code key} can name a file in a maildir folder (no separators, no dot files). */
    static boolean isKey(String key) {
        return !key.isEmpty() && !key.startsWith(".") && key.indexOf('/') < 0 && key.indexOf('\\') < 0
                && key.indexOf(':') < 0 && key.indexOf('\0') < 0;
    }

    private static long number(Pattern p, String name, int group) {
        Matcher m = p.matcher(name);
        if (!m.find() || m.group(group) == null) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(m.group(group));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The host name with {@code /} and {@code :} escaped as the maildir convention asks. */
    private static String hostName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host.replace("/", "\\057").replace(":", "\\072");
    }
}
