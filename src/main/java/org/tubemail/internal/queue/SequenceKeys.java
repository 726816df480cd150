package org.tubemail.internal.queue;

/** Keys made from a sequence number: 16 digits, zero-padded, so that they sort in arrival order. */
final class SequenceKeys {

    private static final String ZEROS = "0000000000000000";

    private SequenceKeys() {
    }

    /** The key of sequence number {@code n} (not negative); longer than 16 digits past 10^16. */
    static String of(long n) {
        String digits = Long.toString(n);
        return digits.length() >= ZEROS.length() ? digits : ZEROS.substring(digits.length()) + digits;
    }
}
