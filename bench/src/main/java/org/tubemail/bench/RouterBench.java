package org.tubemail.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.ThreadParams;
import org.tubemail.bench.generated.GeneratedRoutes;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.DeliveryReport;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.state.MemoryStorage;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Router dispatch: pre-parsed messages delivered through a {@link Router} with {@link MemoryStorage}
 * and a {@link MemoryQueue} for undeliverable mail, with 10, 100 and 1,000 routes (generated handler
 * modules, see {@code bench/codegen/GenerateRoutes.java}).
 *
 * <p>10,000 distinct senders cycle; each sender always writes to the same address. Half the messages
 * go to a module's stateful route (each one flips the sender's state, so storage and key locks are
 * exercised), half to a stateless route, whatever the route count, so that the route count is the
 * only thing that changes between runs. With two threads each thread owns half of the senders.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RouterBench {

    /** Distinct senders (and pre-parsed messages). */
    static final int SENDERS = 10_000;

    @Param({"10", "100", "1000"})
    public int routes;

    Router router;
    MemoryQueue undeliverable;
    MailRequest[] requests;

    @Setup(Level.Trial)
    public void setUp() {
        GeneratedRoutes set = GeneratedRoutes.of(routes);
        undeliverable = new MemoryQueue();
        router = Router.builder()
                .storage(new MemoryStorage())
                .undeliverable(undeliverable)
                .defaultCapture("host", "example\\.com")
                .handlers(set.handlers().toArray())
                .build();
        if (router.routes().size() != routes) {
            throw new IllegalStateException("expected " + routes + " routes, the router has " + router.routes().size());
        }
        requests = new MailRequest[SENDERS];
        for (int s = 0; s < SENDERS; s++) {
            // A multiplicative hash picks the pool (its sign bit) and the address, evenly for any thread's senders.
            int h = s * 0x9E3779B1;
            List<String> pool = h >= 0 ? set.statefulAddresses() : set.statelessAddresses();
            requests[s] = request("sender" + s + "@client" + (s % 97) + ".example.org", pool.get((h >>> 8) % pool.size()));
        }
        checkEveryAddressIsHandledOnce(set);
    }

    private static MailRequest request(String from, String to) {
        String text = "From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: bench\r\nMessage-ID: <" + from + "/" + to
                + ">\r\n\r\nHello.\r\n";
        return MailRequest.parse(Envelope.of(from, to), text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Fails the trial unless each address runs exactly one state method: otherwise the figures would lie. */
    private void checkEveryAddressIsHandledOnce(GeneratedRoutes set) {
        List<String> all = new ArrayList<>(set.statefulAddresses());
        all.addAll(set.statelessAddresses());
        for (String address : all) {
            DeliveryReport report = router.deliver(request("setup-check@example.org", address));
            if (!report.allHandled() || report.results().get(0).ran().size() != 1) {
                throw new IllegalStateException("address " + address + " is not handled by exactly one method: " + report);
            }
        }
        router.storage().clear();
    }

    /** Each thread's cursor over its own senders. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
        int step;

        @Setup(Level.Trial)
        public void setUp(ThreadParams threads) {
            next = threads.getThreadIndex();
            step = threads.getThreadCount();
        }

        MailRequest take(MailRequest[] requests) {
            MailRequest r = requests[next];
            next += step;
            if (next >= requests.length) {
                next -= requests.length;
            }
            return r;
        }
    }

    /** Fails the trial if anything went to the undeliverable queue: every delivery must be handled. */
    @TearDown(Level.Iteration)
    public void checkNothingUndeliverable() {
        if (undeliverable.count() != 0) {
            throw new IllegalStateException(undeliverable.count() + " messages went to the undeliverable queue");
        }
    }

    @Benchmark
    @Threads(1)
    public DeliveryReport deliver1Thread(Cursor cursor) {
        return router.deliver(cursor.take(requests));
    }

    @Benchmark
    @Threads(2)
    public DeliveryReport deliver2Threads(Cursor cursor) {
        return router.deliver(cursor.take(requests));
    }
}
