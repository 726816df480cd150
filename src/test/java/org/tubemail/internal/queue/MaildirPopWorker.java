package org.tubemail.internal.queue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A child process for {@link MaildirQueueTest}: prints {@code ready}, waits for the go file, then
 * pops the maildir until it is empty, printing each message's body on its own line. With a third
 * argument {@code crash}, it claims one message, prints its key and halts as if killed.
 */
public final class MaildirPopWorker {

    private MaildirPopWorker() {
    }

    /** @param args the maildir, the go file and optionally {@code crash} */
    public static void main(String[] args) throws Exception {
        MaildirQueue queue = new MaildirQueue(Path.of(args[0]));
        if (args.length > 2 && args[2].equals("crash")) {
            System.out.println(queue.claim().orElseThrow().key());
            System.out.flush();
            Runtime.getRuntime().halt(9);
        }
        Path go = Path.of(args[1]);
        System.out.println("ready");
        System.out.flush();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(go)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no go file " + go);
            }
            Thread.sleep(1);
        }
        StringBuilder out = new StringBuilder();
        Optional<MessageQueue.QueuedMessage> m;
        while ((m = queue.pop()).isPresent()) {
            out.append(new String(m.get().message(), StandardCharsets.US_ASCII)).append('\n');
        }
        System.out.print(out);
        System.out.flush();
    }
}
