package org.tubemail.internal.crash;

import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.LogSpoolRecords;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a crash test's lost messages were last seen: which server answered {@code 250} and with
 * which spool key, whether the message is in a copy of the spool taken after each kill (and
 * whether it was marked removed there: routed), and what the server's log says of that key. A
 * loss then names its step (never spooled, spooled but removed unhandled, ...) instead of a
 * count alone.
 */
final class LossReport {

    private static final Pattern SEQ = Pattern.compile("(?m)^X-Seq: (\\d+)");
    private static final Pattern KEY = Pattern.compile("queued as (\\S+)");

    /** The reply a message got, and the server start (1 for the first) that was current before and after its attempt. */
    private record Acceptance(int serverBefore, int serverAfter, String reply) {
    }

    private final Path home;
    private final String spoolKind;
    private final Map<Integer, Acceptance> acceptances = new ConcurrentHashMap<>();
    private final List<String> snapshots = new ArrayList<>();

    /** For the server project {@code home}, whose spool is of {@code spoolKind} ({@code log}, {@code maildir} or {@code postgres}). */
    LossReport(Path home, String spoolKind) {
        this.home = home;
        this.spoolKind = spoolKind;
    }

    /** The {@code X-Seq} of a message as queued (envelope lines first), if it has one. */
    static Optional<Integer> seqOf(byte[] queued) {
        Matcher m = SEQ.matcher(new String(EnvelopeHeaders.unwrap(queued).message(), StandardCharsets.UTF_8));
        return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    /** Records that message {@code seq} was answered {@code reply} during the given server starts. */
    void accepted(int seq, int serverBefore, int serverAfter, String reply) {
        acceptances.put(seq, new Acceptance(serverBefore, serverAfter, reply));
    }

    /** Copies the local spool (server stopped) under {@code forensics/label}, to be searched if something is lost. */
    void snapshot(String label) throws IOException {
        Path spool = home.resolve("run/spool");
        if (spoolKind.equals("postgres") || !Files.isDirectory(spool)) {
            return;
        }
        Path into = home.resolve("forensics").resolve(label);
        try (Stream<Path> files = Files.walk(spool)) {
            for (Path f : files.toList()) {
                Path target = into.resolve(spool.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (!f.getFileName().toString().equals(".lock")) {
                    Files.copy(f, target);
                }
            }
        }
        snapshots.add(label);
    }

    /** One line per lost message: its reply, where the spool copies saw it, and the server log's lines about its key. */
    List<String> explain(List<Integer> lost) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> serverLog = Files.exists(home.resolve("server.log"))
                ? Files.readAllLines(home.resolve("server.log"), StandardCharsets.UTF_8) : List.of();
        for (int seq : lost) {
            Acceptance a = acceptances.get(seq);
            String key = a == null ? null : key(a.reply());
            StringBuilder line = new StringBuilder("seq " + seq + ": ");
            line.append(a == null ? "no reply recorded" : "'" + a.reply() + "' from server start #" + a.serverBefore()
                    + (a.serverAfter() != a.serverBefore() ? "-" + a.serverAfter() : ""));
            line.append("; spool: ").append(spoolKind.equals("postgres") ? "in PostgreSQL, not copied" : seen(seq, key));
            if (key != null) {
                List<String> about = serverLog.stream().filter(l -> l.contains(key)).limit(5).toList();
                line.append("; server.log on ").append(key).append(": ").append(about.isEmpty() ? "nothing" : String.join(" | ", about));
            }
            out.add(line.toString());
        }
        return out;
    }

    private static String key(String reply) {
        Matcher m = KEY.matcher(reply);
        return m.find() ? m.group(1) : null;
    }

    /** Where the spool copies hold message {@code seq} (and what they hold under {@code key}). */
    private String seen(int seq, String key) throws IOException {
        List<String> found = new ArrayList<>();
        for (String label : snapshots) {
            Path copy = home.resolve("forensics").resolve(label);
            if (spoolKind.equals("log")) {
                found.addAll(inLog(copy, label, seq, key));
            } else {
                found.addAll(inMaildir(copy, label, seq));
            }
        }
        return found.isEmpty() ? "in no copy (" + String.join(", ", snapshots) + ")" : String.join(", ", found);
    }

    private static List<String> inLog(Path copy, String label, int seq, String key) throws IOException {
        List<LogSpoolRecords.Record> records = LogSpoolRecords.read(copy);
        Set<Long> removed = new HashSet<>();
        records.stream().filter(r -> !r.message()).forEach(r -> removed.add(r.id()));
        List<String> out = new ArrayList<>();
        for (LogSpoolRecords.Record r : records) {
            if (!r.message()) {
                continue;
            }
            Optional<Integer> s = seqOf(r.payload());
            boolean mine = s.isPresent() && s.get() == seq;
            boolean underKey = key != null && key.equals(String.format("%016d", r.id()));
            if (mine || underKey) {
                out.add(label + ": id " + r.id() + (mine ? "" : " holds seq " + s.map(String::valueOf).orElse("?")) + " in "
                        + r.segment().getFileName() + (removed.contains(r.id()) ? ", marked removed" : ", waiting"));
            }
        }
        return out;
    }

    private static List<String> inMaildir(Path copy, String label, int seq) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(copy)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (seqOf(Files.readAllBytes(f)).filter(s -> s == seq).isPresent()) {
                    out.add(label + ": " + copy.relativize(f));
                }
            }
        }
        return out;
    }
}
