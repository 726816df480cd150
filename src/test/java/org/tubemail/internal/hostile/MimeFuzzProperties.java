package org.tubemail.internal.hostile;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Property: whatever bytes arrive, parsing and every accessor either work or throw
 * {@link org.tubemail.mail.MailParseException}; nothing else escapes ({@link MimeCorpusTest#exercise}).
 */
class MimeFuzzProperties {

    private static final List<Path> CORPUS = Corpus.files();

    @Property(tries = 400)
    void mutatedCorpusMessagesNeverBreakTheParser(@ForAll("mutants") byte[] message) {
        MimeCorpusTest.exercise(message);
    }

    @Property(tries = 200)
    void randomBytesNeverBreakTheParser(@ForAll byte[] message) {
        MimeCorpusTest.exercise(message);
    }

    @Provide
    Arbitrary<byte[]> mutants() {
        Arbitrary<byte[]> seeds = Arbitraries.of(CORPUS).map(Corpus::read).filter(b -> b.length > 0);
        return Combinators.combine(seeds, Arbitraries.integers().between(0, 3), Arbitraries.longs()).as(MimeFuzzProperties::mutate);
    }

    /** One of: flip bytes, truncate, duplicate a slice (e.g. a boundary line), splice in random bytes. */
    private static byte[] mutate(byte[] seed, int kind, long salt) {
        java.util.Random rnd = new java.util.Random(salt);
        byte[] b = seed.clone();
        switch (kind) {
            case 0 -> {
                for (int i = 0; i < 1 + rnd.nextInt(20); i++) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
                return b;
            }
            case 1 -> {
                return Arrays.copyOf(b, rnd.nextInt(b.length));
            }
            case 2 -> {
                int from = rnd.nextInt(b.length);
                int len = Math.min(b.length - from, 1 + rnd.nextInt(200));
                byte[] out = new byte[b.length + len * 3];
                System.arraycopy(b, 0, out, 0, from + len);
                for (int k = 1; k <= 3; k++) {
                    System.arraycopy(b, from, out, from + len * k, len);
                }
                System.arraycopy(b, from + len, out, from + len * 4, b.length - from - len);
                return out;
            }
            default -> {
                int at = rnd.nextInt(b.length);
                byte[] junk = new byte[1 + rnd.nextInt(64)];
                rnd.nextBytes(junk);
                byte[] out = new byte[b.length + junk.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(junk, 0, out, at, junk.length);
                System.arraycopy(b, at, out, at + junk.length, b.length - at);
                return out;
            }
        }
    }
}
