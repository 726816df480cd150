package org.tubemail.internal.queue;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MessageQueue#claim(String)} and {@link MessageQueue#claim(String, byte[])}, the same for
 * every queue: the pusher takes its own message, once.
 */
class ClaimByKeyTest {

    @TempDir
    Path dir;

    private MessageQueue open(String kind) {
        return switch (kind) {
            case "memory" -> new MemoryQueue();
            case "log" -> new LogQueue(dir.resolve("log"));
            case "maildir" -> new MaildirQueue(dir.resolve("maildir"));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "log", "maildir"})
    void claimsThatMessageOnlyOnceAndKeepsItUntilRemoved(String kind) {
        MessageQueue q = open(kind);
        String first = q.push(bytes("Subject: first\r\n\r\n1\r\n"));
        String second = q.push(bytes("Subject: second\r\n\r\n2\r\n"));

        Optional<MessageQueue.QueuedMessage> mine = q.claim(second);
        assertTrue(mine.isPresent());
        assertEquals(second, mine.get().key());
        assertArrayEquals(bytes("Subject: second\r\n\r\n2\r\n"), mine.get().message());
        assertEquals(Optional.empty(), q.claim(second), "claimed already");
        assertEquals(first, q.claim().orElseThrow().key(), "claim() skips the message claimed by key");
        assertEquals(Optional.empty(), q.claim());
        assertEquals(2, q.count(), "claimed messages stay until removed");

        assertEquals(Set.of(first, second), Set.copyOf(q.recover()), "a crash before removal gives both back");
        assertEquals(second, q.claim(second).orElseThrow().key());
        assertTrue(q.remove(second));
        assertEquals(Optional.empty(), q.claim(second), "removed");
        assertEquals(List.of(first), q.keys());
        if (q instanceof AutoCloseable c) {
            assertTrue(close(c));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "log", "maildir"})
    void thePusherClaimsWithTheBytesItHolds(String kind) {
        MessageQueue q = open(kind);
        byte[] pushed = bytes("Subject: mine\r\n\r\nm\r\n");
        String key = q.pushAll(List.of(pushed)).get(0);

        MessageQueue.QueuedMessage mine = q.claim(key, pushed).orElseThrow();
        assertEquals(key, mine.key());
        assertArrayEquals(bytes("Subject: mine\r\n\r\nm\r\n"), mine.message());
        if (kind.equals("log")) {
            assertSame(pushed, mine.message(), "the log spool hands the pushed bytes back instead of reading them again");
        }
        assertEquals(Optional.empty(), q.claim(key, pushed), "claimed already");
        assertEquals(Optional.empty(), q.claim(), "nothing else waits");
        assertEquals(List.of(key), q.recover(), "claimed until removed");
        assertTrue(q.remove(key));
        assertEquals(0, q.count());
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "log", "maildir"})
    void unknownAndMalformedKeysClaimNothing(String kind) {
        MessageQueue q = open(kind);
        String key = q.push(bytes("Subject: x\r\n\r\nx\r\n"));
        for (String bad : new String[]{"", "999999999", "../" + key, ".", "new/" + key}) {
            assertEquals(Optional.empty(), q.claim(bad), "key '" + bad + "'");
        }
        assertEquals(key, q.claim().orElseThrow().key(), "the real message is still waiting");
    }

    private static boolean close(AutoCloseable c) {
        try {
            c.close();
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
