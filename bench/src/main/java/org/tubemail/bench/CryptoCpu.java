package org.tubemail.bench;

import org.openjdk.jmh.annotations.Benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * {@link CryptoBench}'s operations timed by the CPU time of the one thread that runs them, not by
 * the clock: on a machine shared with other work, wall-clock time per operation grows with the load,
 * a thread's own CPU time much less. Each operation is warmed up for {@code SECONDS} of CPU, then
 * timed in 5 rounds of {@code SECONDS} each; prints the median and the spread in µs of CPU per
 * operation. One provider per process, as the server has one:
 * {@code java -cp benchmarks.jar org.tubemail.bench.CryptoCpu native|jdk [REGEX] [SECONDS]}
 * (add {@code -Djdk.tls.namedGroups=secp256r1} for the P-256 handshake).
 */
public final class CryptoCpu {
    private static final int ROUNDS = 5;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CryptoCpu() {
    }

    public static void main(String[] args) throws Exception {
        CryptoBench bench = new CryptoBench();
        bench.provider = Ports.arg(args, 0, "native|jdk");
        Pattern only = Pattern.compile(args.length > 1 ? args[1] : ".*");
        long roundNanos = (long) ((args.length > 2 ? Double.parseDouble(args[2]) : 1.0) * 1e9);
        bench.setUp();
        String groups = System.getProperty("jdk.tls.namedGroups", "default");
        System.out.println("provider " + bench.provider + ", TLS groups " + groups + ": µs of CPU per operation, median of " + ROUNDS
                + " rounds (min-max)");
        Method[] methods = Arrays.stream(CryptoBench.class.getMethods()).filter(m -> m.isAnnotationPresent(Benchmark.class))
                .filter(m -> only.matcher(m.getName()).matches()).sorted(Comparator.comparing(Method::getName)).toArray(Method[]::new);
        for (Method m : methods) {
            run(bench, m, roundNanos); // warm-up
            double[] rounds = new double[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {
                rounds[i] = run(bench, m, roundNanos);
            }
            Arrays.sort(rounds);
            System.out.printf("%-20s %-7s %12.1f  (%.1f-%.1f)%n", m.getName(), bench.provider, rounds[ROUNDS / 2], rounds[0], rounds[ROUNDS - 1]);
        }
    }

    /** Calls {@code m} until this thread has spent {@code nanos} of CPU; returns µs of CPU per call. */
    private static double run(CryptoBench bench, Method m, long nanos) throws Exception {
        long start = THREADS.getCurrentThreadCpuTime();
        long calls = 0;
        long spent;
        do {
            for (int i = 0; i < 10; i++) {
                m.invoke(bench);
            }
            calls += 10;
            spent = THREADS.getCurrentThreadCpuTime() - start;
        } while (spent < nanos);
        return spent / 1e3 / calls;
    }
}
