package org.tubemail.internal.queue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaildirQueueTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void pushWritesIntoNewAndLeavesTmpEmpty() throws IOException {
        MaildirQueue q = new MaildirQueue(dir.resolve("spool"));
        String key = q.push(bytes("Subject: one\r\n\r\nbody\r\n"));
        Path spool = dir.resolve("spool");
        assertEquals(List.of(key), names(spool.resolve("new")));
        assertEquals(List.of(), names(spool.resolve("tmp")));
        assertEquals(List.of(), names(spool.resolve("cur")));
        assertTrue(key.matches("\\d+\\.M\\d+P\\d+Q\\d+\\..+"), key);
        assertEquals("Subject: one\r\n\r\nbody\r\n", Files.readString(spool.resolve("new").resolve(key)));
    }

    @Test
    void everyOperation() {
        MaildirQueue q = new MaildirQueue(dir);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            keys.add(q.push(bytes("m" + i)));
        }
        assertEquals(5, q.count());
        assertEquals(keys, q.keys());
        assertEquals("m2", text(q.get(keys.get(2)).orElseThrow()));
        assertTrue(q.remove(keys.get(2)));
        assertFalse(q.remove(keys.get(2)));
        assertTrue(q.get(keys.get(2)).isEmpty());
        assertEquals(4, q.count());

        MessageQueue.QueuedMessage first = q.pop().orElseThrow();
        assertEquals(keys.get(0), first.key());
        assertEquals("m0", text(first.message()));
        assertEquals(List.of(keys.get(1), keys.get(3), keys.get(4)), q.keys());

        q.clear();
        assertEquals(0, q.count());
        assertEquals(List.of(), q.keys());
        assertTrue(q.pop().isEmpty());
    }

    @Test
    void keysThatAreNotFileNamesFindNothing() throws IOException {
        MaildirQueue q = new MaildirQueue(dir);
        Files.writeString(dir.resolve("secret"), "not a message");
        assertTrue(q.get("../secret").isEmpty());
        assertFalse(q.remove("../secret"));
        assertTrue(Files.exists(dir.resolve("secret")));
        assertTrue(q.get("").isEmpty());
    }

    @Test
    void claimedMessagesStayUntilRemovedAndAreNotClaimedTwice() throws IOException {
        MaildirQueue q = new MaildirQueue(dir);
        String a = q.push(bytes("a"));
        String b = q.push(bytes("b"));
        MessageQueue.QueuedMessage claimed = q.claim().orElseThrow();
        assertEquals(a, claimed.key());
        assertEquals(List.of(a + ":2,"), names(dir.resolve("cur")));
        assertEquals(2, q.count());
        assertEquals(List.of(a, b), q.keys());
        assertEquals("a", text(q.get(a).orElseThrow()));

        assertEquals(b, q.claim().orElseThrow().key());
        assertTrue(q.claim().isEmpty());
        assertTrue(q.remove(a));
        assertEquals(List.of(b), q.keys());
    }

    @Test
    void recoverReturnsUnfinishedClaimsToNewAndDeletesStaleTmpFiles() throws IOException {
        MaildirQueue q = new MaildirQueue(dir);
        String a = q.push(bytes("a"));
        String b = q.push(bytes("b"));
        q.claim().orElseThrow();
        q.claim().orElseThrow();
        Path stale = Files.writeString(dir.resolve("tmp").resolve("1.M1P1Q1.gone"), "half");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(37))));
        Path fresh = Files.writeString(dir.resolve("tmp").resolve("2.M1P1Q1.writing"), "half");
        assertEquals(2, q.count(), "tmp files are not messages");

        // a fresh claim survives a recovery that only takes claims older than a minute
        assertEquals(List.of(), q.recover(Duration.ofMinutes(1)));
        Files.setLastModifiedTime(dir.resolve("cur").resolve(a + ":2,"),
                FileTime.from(Instant.now().minus(Duration.ofMinutes(2))));
        assertEquals(List.of(a), q.recover(Duration.ofMinutes(1)));
        assertEquals(List.of(b), q.recover());

        assertEquals(List.of(), names(dir.resolve("cur")));
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(fresh));
        MaildirQueue restarted = new MaildirQueue(dir);
        assertEquals("a", text(restarted.pop().orElseThrow().message()));
        assertEquals("b", text(restarted.pop().orElseThrow().message()));
    }

    @Test
    void readsMessagesDroppedIntoNewByAnotherWriter() throws IOException {
        MaildirQueue q = new MaildirQueue(dir);
        String ours = q.push(bytes("ours"));
        // Postfix/Dovecot style names, one older than ours, one with an info suffix, plus a dot file
        long old = Instant.now().getEpochSecond() - 100;
        Files.writeString(dir.resolve("new").resolve(old + ".V801I2M3.mx"), "postfix");
        Files.writeString(dir.resolve("new").resolve((old + 1) + ".M5P6.dovecot:2,S"), "dovecot");
        Files.writeString(dir.resolve("new").resolve(".keep"), "");

        assertEquals(List.of(old + ".V801I2M3.mx", (old + 1) + ".M5P6.dovecot", ours), q.keys());
        assertEquals("dovecot", text(q.get((old + 1) + ".M5P6.dovecot").orElseThrow()));
        assertEquals("postfix", text(q.pop().orElseThrow().message()));
        assertEquals("dovecot", text(q.pop().orElseThrow().message()));
        assertEquals("ours", text(q.pop().orElseThrow().message()));
        assertTrue(q.pop().isEmpty());
    }

    @Test
    void newMessagesFromAnotherWriterArePoppedAfterEarlierOnes() throws IOException {
        MaildirQueue q = new MaildirQueue(dir);
        q.push(bytes("1"));
        q.push(bytes("2"));
        assertEquals("1", text(q.pop().orElseThrow().message()));
        Files.writeString(dir.resolve("new").resolve(Instant.now().getEpochSecond() + 5 + ".other.host"), "3");
        assertEquals("2", text(q.pop().orElseThrow().message()));
        assertEquals("3", text(q.pop().orElseThrow().message()));
    }

    @Test
    void errorsNameThePath() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        QueueException e = assertThrows(QueueException.class, () -> new MaildirQueue(file.resolve("q")));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());

        MaildirQueue q = new MaildirQueue(dir.resolve("q"));
        Files.delete(dir.resolve("q").resolve("tmp"));
        QueueException w = assertThrows(QueueException.class, () -> q.push(bytes("x")));
        assertTrue(w.getMessage().contains(dir.resolve("q").resolve("tmp").toString()), w.getMessage());
    }

    private static Thread start(ConcurrentLinkedQueue<Throwable> errors, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                errors.add(e);
            }
        });
        t.start();
        return t;
    }

    @Test
    void threadsPushingAndPoppingNeverShareOrLoseAMessage() throws Exception {
        MaildirQueue q = new MaildirQueue(dir);
        int writers = 3;
        int perWriter = 150;
        ConcurrentLinkedQueue<String> popped = new ConcurrentLinkedQueue<>();
        CountDownLatch pushed = new CountDownLatch(writers);
        List<Thread> threads = new ArrayList<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        for (int w = 0; w < writers; w++) {
            int id = w;
            threads.add(start(errors, () -> {
                for (int i = 0; i < perWriter; i++) {
                    q.push(bytes(id + "-" + i));
                }
                pushed.countDown();
            }));
        }
        for (int r = 0; r < 3; r++) {
            threads.add(start(errors, () -> {
                while (true) {
                    Optional<MessageQueue.QueuedMessage> m = q.pop();
                    if (m.isPresent()) {
                        popped.add(text(m.get().message()));
                    } else if (pushed.getCount() == 0 && q.count() == 0) {
                        return;
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join(30_000);
            assertFalse(t.isAlive());
        }
        assertEquals(List.of(), List.copyOf(errors));
        assertEquals(writers * perWriter, popped.size(), "a message was popped twice or lost");
        assertEquals(writers * perWriter, new HashSet<>(popped).size(), "a message was popped twice");
    }

    @Test
    void aMessageClaimedByAProcessThatDiesIsRecovered() throws Exception {
        MaildirQueue q = new MaildirQueue(dir);
        String key = q.push(bytes("survives"));
        q.push(bytes("untouched"));
        Process p = new ProcessBuilder(javaCommand(), "-cp", System.getProperty("java.class.path"),
                MaildirPopWorker.class.getName(), dir.toString(), dir.resolve("unused").toString(), "crash")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String claimed = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(9, p.exitValue());
            assertEquals(key, claimed);
        } finally {
            p.destroyForcibly();
        }
        assertEquals(List.of(key + ":2,"), names(dir.resolve("cur")), "the dead claimer's message is still on disk");
        assertEquals(List.of(key), q.recover());
        assertEquals("survives", text(q.pop().orElseThrow().message()));
        assertEquals("untouched", text(q.pop().orElseThrow().message()));
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void processesPoppingOneMaildirNeverShareOrLoseAMessage() throws Exception {
        MaildirQueue q = new MaildirQueue(dir.resolve("spool"));
        int total = 1200;
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < total; i++) {
            String body = "message-" + i;
            q.push(bytes(body));
            expected.add(body);
        }
        Path go = dir.resolve("go");
        String java = javaCommand();
        List<Process> children = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        try {
            for (int c = 0; c < 3; c++) {
                Process p = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                        "-cp", System.getProperty("java.class.path"),
                        MaildirPopWorker.class.getName(), dir.resolve("spool").toString(), go.toString())
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                children.add(p);
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
                outputs.add(out);
            }
            for (BufferedReader out : outputs) {
                assertEquals("ready", out.readLine());
            }
            Files.writeString(go, "go");
            List<String> popped = new ArrayList<>();
            List<Integer> perChild = new ArrayList<>();
            for (int c = 0; c < children.size(); c++) {
                assertTrue(children.get(c).waitFor(60, TimeUnit.SECONDS), "child did not finish");
                assertEquals(0, children.get(c).exitValue());
                int before = popped.size();
                String line;
                while ((line = outputs.get(c).readLine()) != null) {
                    popped.add(line);
                }
                perChild.add(popped.size() - before);
            }
            assertEquals(total, popped.size(), "popped " + popped.size() + " of " + total + " " + perChild);
            assertEquals(expected, new HashSet<>(popped), "a message was handed out twice or lost " + perChild);
            assertEquals(0, q.count());
            System.out.println("messages popped per child process: " + perChild);
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }
}
