package org.tubemail.internal.config;

import java.util.regex.Pattern;

/**
 * One declared setting of {@link SettingsSchema}: its name, the form of its value, its default as the
 * README shows it, and what it does. A name may be a pattern: an upper-case segment is a placeholder,
 * {@code DOMAIN} for one or more dot-separated labels ({@code relay.dkim.DOMAIN.key}), any other
 * ({@code NAME}) for one segment ({@code receiver.imap.NAME.host}).
 *
 * @param name        the key, or a pattern of keys
 * @param type        the form of the value
 * @param defaultValue the default as shown to people ({@code ""}: none or empty; may describe a computed one)
 * @param description what it does, in one line
 * @param secret      whether {@code bin/tubemail config} masks the value
 */
public record SettingKey(String name, Type type, String defaultValue, String description, boolean secret) {

    /** The form of a value, as {@link Settings}' typed reads check it. */
    public enum Type { TEXT, BOOLEAN, INTEGER, PORT, BYTES, SECONDS, PATH, LIST, CHOICE, PERMISSIONS, REGEX, URL, CLASS }

    /** Whether the name has placeholders. */
    public boolean isPattern() {
        return !name.equals(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** Whether {@code key} is this setting (or, for a pattern, one of its instances). */
    public boolean matches(String key) {
        return isPattern() ? regex().matcher(key).matches() : name.equals(key);
    }

    /**
     * The instance of this pattern nearest to {@code key}: each placeholder takes the part of {@code key}
     * at its place when the literal text before it agrees; the name itself otherwise.
     */
    String instanceNear(String key) {
        if (!isPattern()) {
            return name;
        }
        String[] parts = name.split("\\.");
        String[] given = key.split("\\.");
        StringBuilder out = new StringBuilder();
        int g = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            String value;
            if (!isPlaceholder(part)) {
                value = part;
                g++;
            } else if (part.equals("DOMAIN")) {
                int rest = parts.length - i - 1;
                int end = Math.max(g + 1, given.length - rest);
                value = g < given.length ? String.join(".", java.util.Arrays.copyOfRange(given, g, Math.min(end, given.length))) : part;
                g = end;
            } else {
                value = g < given.length ? given[g] : part;
                g++;
            }
            out.append(i == 0 ? "" : ".").append(value);
        }
        return out.toString();
    }

    /** The value {@code key} gives this pattern's placeholder, if {@code key} is one of its instances. */
    java.util.Optional<String> binding(String key) {
        if (!isPattern()) {
            return java.util.Optional.empty();
        }
        java.util.regex.Matcher m = regex().matcher(key);
        return m.matches() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    /** This pattern with its placeholder set to {@code value}, in the name and the default. */
    SettingKey instance(String value) {
        String placeholder = java.util.Arrays.stream(name.split("\\.")).filter(SettingKey::isPlaceholder).findFirst().orElseThrow();
        return new SettingKey(name.replace(placeholder, value), type, defaultValue.replace(placeholder, value), description, secret);
    }

    /** The literal text before the first placeholder, e.g. {@code receiver.imap.}. */
    String literalPrefix() {
        String[] parts = name.split("\\.");
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            if (isPlaceholder(part)) {
                break;
            }
            out.append(part).append('.');
        }
        return out.toString();
    }

    private Pattern regex() {
        StringBuilder out = new StringBuilder();
        String[] parts = name.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            out.append(i == 0 ? "" : "\\.");
            if (part.equals("DOMAIN")) {
                out.append("([^.]+(?:\\.[^.]+)*)");
            } else if (isPlaceholder(part)) {
                out.append("([^.]+)");
            } else {
                out.append(Pattern.quote(part));
            }
        }
        return Pattern.compile(out.toString());
    }

    private static boolean isPlaceholder(String part) {
        return !part.isEmpty() && part.equals(part.toUpperCase(java.util.Locale.ROOT)) && part.chars().anyMatch(Character::isLetter);
    }
}
