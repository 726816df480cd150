package org.tubemail.internal.dkim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A DKIM tag list ({@code v=1; a=rsa-sha256; ...}, RFC 6376 3.2): tag names and values, whitespace removed around them. */
final class TagList {
    private final Map<String, String> tags;

    private TagList(Map<String, String> tags) {
        this.tags = tags;
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException on a tag without {@code =} or a tag given twice
     */
    static TagList parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String spec : text.split(";")) {
            if (spec.isBlank()) continue;
            int eq = spec.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("tag without '=': '" + spec.strip() + "'");
            String name = spec.substring(0, eq).strip();
            String value = spec.substring(eq + 1).replace("\r\n", "").strip();
            if (tags.put(name, value) != null) throw new IllegalArgumentException("tag '" + name + "' given twice");
        }
        return new TagList(tags);
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(tags.get(name));
    }

    String required(String name) {
        String v = tags.get(name);
        if (v == null) throw new IllegalArgumentException("no " + name + "= tag");
        return v;
    }

    /** A value with every space, tab and line break removed (base64 values). */
    static String compact(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean fws = c == ' ' || c == '\t' || c == '\r' || c == '\n';
            if (fws && out == null) out = new StringBuilder(value.length()).append(value, 0, i);
            else if (!fws && out != null) out.append(c);
        }
        return out == null ? value : out.toString();
    }
}
