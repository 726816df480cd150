package org.tubemail.internal.mail;

/** Walks the header section of a raw message field by field, without decoding it. */
public final class HeaderFields {

    private HeaderFields() {
    }

    /**
     * Where the header field starting at {@code pos} ends (after its last line's LF, folded lines
     * included), or {@code pos} itself on the empty line that ends the header section.
     */
    public static int fieldEnd(byte[] m, int pos) {
        if (m[pos] == '\n' || (m[pos] == '\r' && pos + 1 < m.length && m[pos + 1] == '\n')) return pos;
        int i = pos;
        while (true) {
            while (i < m.length && m[i] != '\n') i++;
            if (i >= m.length) return m.length;
            i++;
            if (i >= m.length || (m[i] != ' ' && m[i] != '\t')) return i;
        }
    }

    /** Whether the field from {@code pos} to {@code end} starts with {@code prefix} (of its name), ignoring ASCII case. */
    public static boolean startsWith(byte[] m, int pos, int end, String prefix) {
        if (end - pos < prefix.length()) return false;
        for (int i = 0; i < prefix.length(); i++) {
            int c = m[pos + i] & 0xff;
            if (Character.toLowerCase(c) != Character.toLowerCase(prefix.charAt(i))) return false;
        }
        return true;
    }
}
