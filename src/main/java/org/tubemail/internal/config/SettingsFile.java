package org.tubemail.internal.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a settings file from {@link SettingsSchema}: every declared key in the schema's order, its
 * meaning and default as a comment, and a commented-out line to uncomment, except for the keys given
 * values, which are set. {@code gen} writes a new application's settings with it, and the build writes
 * the distribution's ({@link #DISTRIBUTION}), so a change to the schema shows up in both and no
 * developer's working copy (which may hold secrets) is ever shipped.
 */
public final class SettingsFile {

    /**
     * The values the distribution sets, beyond the schema's defaults: the echo example answers on
     * {@code localhost}, so a fresh install replies to {@code bin/tubemail send} at once.
     */
    public static final Map<String, String> DISTRIBUTION = orderedMap(
            "receiver.accepted.domains", "localhost",
            "handlers", "org.tubemail.examples.echo.EchoHandler",
            "route.default.host", "localhost");

    private SettingsFile() {
    }

    /**
     * The settings file text. {@code header} lines come first, as comments; {@code values} are set
     * (a key that is no declared setting nor an instance of a pattern is refused).
     */
    public static String render(List<String> header, Map<String, String> values) {
        Map<String, String> left = new LinkedHashMap<>(values);
        StringBuilder out = new StringBuilder();
        for (String line : header) {
            out.append(line.isEmpty() ? "#" : "# " + line).append('\n');
        }
        out.append("#\n# Every setting Tubemail reads follows, with its meaning and default (a line starting with # is\n"
                + "# not in effect: remove the # to set it). Any value may name an environment variable, as\n"
                + "# relay.password=${env:RELAY_PASSWORD}. bin/tubemail config prints the settings in effect.\n");
        for (SettingKey k : SettingsSchema.KEYS) {
            out.append("\n# ").append(k.description()).append(defaultNote(k)).append('\n');
            if (!k.isPattern() && left.containsKey(k.name())) {
                out.append(k.name()).append('=').append(escape(left.remove(k.name()))).append('\n');
                continue;
            }
            out.append('#').append(k.name()).append('=').append(k.isPattern() || isDescribed(k) ? "" : escape(k.defaultValue())).append('\n');
            for (String key : List.copyOf(left.keySet())) {
                if (k.isPattern() && k.matches(key) && SettingsSchema.find(key).orElseThrow() == k) {
                    out.append(key).append('=').append(escape(left.remove(key))).append('\n');
                }
            }
        }
        if (!left.isEmpty()) {
            throw new IllegalArgumentException("not declared in SettingsSchema: " + String.join(", ", left.keySet()));
        }
        return out.toString();
    }

    /** The distribution's settings file. */
    public static String distribution() {
        return render(List.of("Tubemail settings. Paths are relative to the installation folder (the one holding config/).",
                "A bad value stops start-up with a message naming this file, the key and the expected form.",
                "The manual, doc/tubemail.md, explains each setting in its section \"Configuration\"."), DISTRIBUTION);
    }

    /** Writes the distribution's settings to the file named by the one argument (the build calls this). */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: SettingsFile OUTPUT-FILE");
        }
        Path file = Path.of(args[0]);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, distribution(), StandardCharsets.UTF_8);
    }

    /** A default in parentheses describes a computed or absent value: it is shown, never written as a value. */
    private static boolean isDescribed(SettingKey k) {
        return k.defaultValue().startsWith("(");
    }

    private static String defaultNote(SettingKey k) {
        if (k.defaultValue().isEmpty()) {
            return "";
        }
        return isDescribed(k) ? "; default: " + k.defaultValue().substring(1, k.defaultValue().length() - 1) : "; default " + k.defaultValue();
    }

    /** A .properties value: backslashes doubled, leading whitespace kept. */
    private static String escape(String value) {
        String escaped = value.replace("\\", "\\\\");
        return escaped.startsWith(" ") ? "\\" + escaped : escaped;
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
