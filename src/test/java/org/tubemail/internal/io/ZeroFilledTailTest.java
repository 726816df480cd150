package org.tubemail.internal.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZeroFilledTailTest {

    @Test
    void runsAheadOfTheWritesInWholeChunksOfZeros(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("log");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ZeroFilledTail tail = new ZeroFilledTail(ch);
            byte[] record = "0123456789".repeat(300).getBytes();
            long written = 0;
            for (int i = 0; i < 1000; i++) { // about 3 MB: crosses chunk boundaries
                tail.reserve(ch.position() + record.length);
                written += ch.write(ByteBuffer.wrap(record));
                long size = ch.size();
                assertEquals(0, size % ZeroFilledTail.CHUNK, "whole chunks");
                assertTrue(size >= written && size - written <= ZeroFilledTail.CHUNK, "ahead by at most a chunk: " + size);
            }
            assertEquals(written, ch.position(), "reserving does not move the write position");
            ch.truncate(10);
            tail.truncated(10);
            tail.reserve(11);
            assertEquals(ZeroFilledTail.CHUNK, ch.size(), "grows again after a truncation");
        }
        byte[] all = Files.readAllBytes(f);
        for (int i = 10; i < all.length; i++) {
            assertEquals(0, all[i], "zeros after the records, at " + i);
        }
    }
}
