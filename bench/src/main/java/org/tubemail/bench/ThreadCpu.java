package org.tubemail.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this process's threads from {@code /proc/self/task/}, summed by group: the thread's
 * name without its trailing number ({@code smtp-auth-3} counts as {@code smtp-auth-}), so that JIT,
 * GC and the benchmark's clients are told apart from the server's threads. Linux only; elsewhere
 * it reports nothing.
 */
final class ThreadCpu {
    private static final Path TASKS = Path.of("/proc/self/task");
    /** Clock ticks per second of {@code /proc}'s utime and stime (USER_HZ, 100 on Linux). */
    private static final long TICKS = 100;

    private ThreadCpu() {}

    /** Nanoseconds of CPU (user and system) per thread group, threads that ended excluded. */
    static Map<String, Long> byGroup() {
        Map<String, Long> groups = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException ended) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9#]+$", "");
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                groups.merge(name, ticks * (1_000_000_000L / TICKS), Long::sum);
            }
        } catch (IOException notLinux) {
            return Map.of();
        }
        return groups;
    }

    /**
     * µs of CPU per message between two readings, largest groups first, e.g.
     * {@code 212 µs CPU/message: bench-client- 61, smtp-auth- 55, ...}; groups under 1 µs are left out.
     */
    static String report(Map<String, Long> before, Map<String, Long> after, int messages) {
        Map<String, Double> perMessage = new TreeMap<>();
        after.forEach((group, ns) -> {
            double us = (ns - before.getOrDefault(group, 0L)) / 1e3 / messages;
            if (us >= 1) perMessage.put(group, us);
        });
        double total = perMessage.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder out = new StringBuilder(String.format("%.0f µs CPU/message:", total));
        perMessage.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> out.append(String.format(" %s %.0f,", e.getKey(), e.getValue())));
        out.setLength(out.length() - 1);
        return out.toString();
    }
}
