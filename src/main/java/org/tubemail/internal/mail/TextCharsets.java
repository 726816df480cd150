package org.tubemail.internal.mail;

import jakarta.mail.internet.MimeUtility;
import org.mozilla.universalchardet.UniversalDetector;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns the bytes of a text whose declared charset may be missing, unknown or wrong into a
 * string, after Salmon's {@code guess_encoding_and_decode}: the declared charset when it exists
 * and the bytes are valid in it; else the charset a detector (juniversalchardet, Mozilla's
 * universal charset detector) finds; else UTF-8 when the bytes are valid UTF-8; else
 * windows-1252, which gives every byte a character. Never throws.
 */
public final class TextCharsets {

    /** The text, and how it was read when the declared charset did not do. */
    public record Decoded(String text, Optional<String> note) {
    }

    private TextCharsets() {
    }

    /**
     * Decodes {@code bytes} declared to be in {@code declared} ({@code null} or blank when the
     * text declares no charset).
     */
    public static Decoded decode(byte[] bytes, String declared) {
        Optional<Charset> named = known(declared);
        if (named.isPresent()) { // first, as 7-bit charsets (ISO-2022-JP, UTF-7) are not ASCII
            Optional<String> text = strict(bytes, named.get());
            if (text.isPresent()) {
                return new Decoded(text.get(), Optional.empty());
            }
        } else if (isAscii(bytes)) {
            return new Decoded(new String(bytes, StandardCharsets.US_ASCII), Optional.empty());
        }
        Charset used = guess(bytes);
        String what = declared == null || declared.isBlank() ? "no charset declared"
                : named.isPresent() ? "not valid " + declared : "unknown charset '" + declared + "'";
        String text = strict(bytes, used).orElseGet(() -> new String(bytes, Charset.forName("windows-1252")));
        boolean unlabelledUtf8 = (declared == null || declared.isBlank()) && used.equals(StandardCharsets.UTF_8);
        return new Decoded(text, unlabelledUtf8
                ? Optional.empty() : Optional.of(what + ", read as " + used.name()));
    }

    /** The detected charset of {@code bytes}, else UTF-8 when they are valid UTF-8, else windows-1252. */
    static Charset guess(byte[] bytes) {
        UniversalDetector detector = new UniversalDetector();
        detector.handleData(bytes, 0, bytes.length);
        detector.dataEnd();
        Optional<Charset> detected = known(detector.getDetectedCharset());
        if (detected.isPresent() && strict(bytes, detected.get()).isPresent()) {
            return detected.get();
        }
        return strict(bytes, StandardCharsets.UTF_8).isPresent() ? StandardCharsets.UTF_8 : Charset.forName("windows-1252");
    }

    /** The charset a MIME name (e.g. {@code iso-8859-1}, {@code utf8}, {@code x-unknown}) stands for, if Java knows it. */
    static Optional<Charset> known(String mimeName) {
        if (mimeName == null || mimeName.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Charset.forName(MimeUtility.javaCharset(mimeName.trim())));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> strict(byte[] bytes, Charset charset) {
        try {
            return Optional.of(charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    public static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }
}
