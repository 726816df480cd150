package org.tubemail.internal.faults;

import org.tubemail.boot.BootContext;
import org.tubemail.handler.Handler;
import org.tubemail.handler.Relay;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.MailResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Handler modules that each write to one kind of store, recording which subjects they handled. */
public final class FaultsHandler {

    /** Subjects handled to completion, in order (static: the server makes its own instances). */
    static final List<String> HANDLED = Collections.synchronizedList(new ArrayList<>());

    private FaultsHandler() {
    }

    /** Counts: START and ONE alternate, so each message changes the sender's state. */
    @Handler("Counter")
    public static class Counter {
        @Route("count@(host)")
        public String START(MailRequest msg) {
            HANDLED.add(msg.subject());
            return "ONE";
        }

        @RouteLike("START")
        public String ONE(MailRequest msg) {
            HANDLED.add(msg.subject());
            return "START";
        }
    }

    /** Keeps 64 KiB of its own data per message under the data folder, then moves to KEPT. */
    @Handler("Keeper")
    public static class Keeper {
        private final Path data;

        public Keeper(BootContext context) {
            this.data = context.dataDir();
        }

        @Route("data@(host)")
        public String START(MailRequest msg) {
            try {
                Files.createDirectories(data);
                Files.write(data.resolve(msg.subject() + ".bin"), new byte[64 * 1024]);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep " + msg.subject(), e);
            }
            HANDLED.add(msg.subject());
            return "KEPT";
        }

        @RouteLike("START")
        public String KEPT(MailRequest msg) {
            return START(msg);
        }
    }

    /** Answers every message, then moves to ANSWERED. */
    @Handler("Replier")
    public static class Replier {
        private final Relay relay;

        public Replier(BootContext context) {
            this.relay = context.relay();
        }

        @Route("reply@(host)")
        public String START(MailRequest msg) {
            relay.send(MailResponse.replyTo(msg).from("reply@localhost").text("got " + msg.subject()));
            HANDLED.add(msg.subject());
            return "ANSWERED";
        }

        @RouteLike("START")
        public String ANSWERED(MailRequest msg) {
            return START(msg);
        }
    }

    /** Always fails: its mail goes to the undeliverable queue. */
    @Handler("Broken")
    public static class Broken {
        @Route("broken@(host)")
        public String START(MailRequest msg) {
            throw new IllegalStateException("broken on purpose");
        }
    }
}
