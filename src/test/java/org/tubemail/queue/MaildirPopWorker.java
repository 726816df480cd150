package org.tubemail.queue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A child process for {@link MaildirQueueTest}: prints {@code ready}, waits for the go file, then
 * pops the maildir until it is empty, printing each message's body on its own line.
 */
public final class MaildirPopWorker {

    private MaildirPopWorker() {
    }

    /** @param args the maildir and the go file */
    public static void main(String[] args) throws Exception {
        MaildirQueue queue = new MaildirQueue(Path.of(args[0]));
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
