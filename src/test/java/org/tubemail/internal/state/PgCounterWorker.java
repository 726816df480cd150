package org.tubemail.internal.state;

import org.tubemail.handler.Handler;
import org.tubemail.handler.Route;
import org.tubemail.internal.routing.RecipientResult;
import org.tubemail.internal.routing.Router;
import org.tubemail.mail.MailRequest;
import org.tubemail.testing.TestMail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.function.Supplier;

/**
 * A child JVM for {@link PostgresCrossProcessTest}: a router over {@link PostgresStorage} whose
 * handler increments a counter kept in the storage ({@code N17} becomes {@code N18}) with a pause
 * between read and write. Prints {@code ready}, waits for a line on stdin, routes its messages,
 * prints {@code done}. Arguments: sender, message count, {@code locked} or {@code unlocked} (the
 * latter hides the storage's cross-process lock, to show that the test can fail).
 */
public final class PgCounterWorker {

    /** The counter lives in module "tally" under the sender; the router locks ("counter", sender). */
    @Handler("counter")
    public static final class Counter {
        private final StateStorage storage;

        Counter(StateStorage storage) {
            this.storage = storage;
        }

        @Route("count@(host)")
        public String START(MailRequest mail) throws InterruptedException {
            String key = mail.from().toLowerCase();
            String now = storage.get("tally", key);
            int n = StateStorage.START.equals(now) ? 0 : Integer.parseInt(now.substring(1));
            Thread.sleep(3);
            storage.set("tally", key, "N" + (n + 1));
            return null;
        }
    }

    /** Delegates everything but the cross-process lock. */
    private record Unlocked(StateStorage inner) implements StateStorage {
        @Override
        public String get(String module, String key) {
            return inner.get(module, key);
        }

        @Override
        public void set(String module, String key, String state) {
            inner.set(module, key, state);
        }

        @Override
        public void clear() {
            inner.clear();
        }

        @Override
        public <T> T withKeyLock(String module, String key, Supplier<T> work) {
            return work.get();
        }
    }

    private PgCounterWorker() {
    }

    public static void main(String[] args) throws Exception {
        String sender = args[0];
        int count = Integer.parseInt(args[1]);
        try (PostgresStorage pg = PgTestDb.open()) {
            StateStorage storage = args[2].equals("locked") ? pg : new Unlocked(pg);
            Router router = Router.builder().storage(storage).defaultCapture("host", "example\\.com")
                    .handlers(new Counter(storage)).build();
            System.out.println("ready");
            new BufferedReader(new InputStreamReader(System.in)).readLine();
            for (int i = 0; i < count; i++) {
                RecipientResult r = router.deliver(TestMail.from(sender).to("count@example.com").build()).results().get(0);
                if (r.status() != RecipientResult.Status.HANDLED) {
                    throw new IllegalStateException("message " + i + ": " + r);
                }
            }
            System.out.println("done");
        }
    }
}
