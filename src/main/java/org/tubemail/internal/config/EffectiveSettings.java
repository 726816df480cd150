package org.tubemail.internal.config;

import org.tubemail.internal.io.UrlSecrets;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings in effect, each with where it comes from: its declared default, or the settings file,
 * or an environment variable the file names as {@code ${env:NAME}}. Secrets (declared so in
 * {@link SettingsSchema}) are masked, and so are the passwords and tokens a URL carries
 * ({@link UrlSecrets}).
 */
public final class EffectiveSettings {

    /** What a masked secret shows. */
    public static final String MASK = "********";

    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    /**
     * One setting in effect.
     *
     * @param key    the key
     * @param value  its value, masked when secret
     * @param source {@code default}, the settings file, or {@code environment NAME (file)}
     */
    public record Entry(String key, String value, String source) {
    }

    private EffectiveSettings() {
    }

    private static void put(TreeMap<String, Entry> out, SettingKey k) {
        out.put(k.name(), new Entry(k.name(), k.secret() && !k.defaultValue().isEmpty() ? MASK : k.defaultValue(), "default"));
    }

    /** The placeholder value {@code key} gives {@code pattern}'s family (the patterns with the same literal prefix). */
    private static java.util.Optional<String> familyOf(String key, SettingKey pattern) {
        if (!pattern.isPattern() || pattern.name().startsWith("route.default.")) {
            return java.util.Optional.empty();
        }
        return SettingsSchema.KEYS.stream().filter(k -> k.isPattern() && k.literalPrefix().equals(pattern.literalPrefix()))
                .map(k -> k.binding(key)).flatMap(java.util.Optional::stream).findFirst();
    }

    /** Every declared key without placeholders, the whole family of every pattern the file uses, and every key of {@code settings}, sorted by key. */
    public static List<Entry> of(Settings settings) {
        TreeMap<String, Entry> out = new TreeMap<>();
        for (SettingKey k : SettingsSchema.KEYS) {
            if (!k.isPattern()) {
                put(out, k);
            }
            // a family the file uses (receiver.imap.support.*) is shown whole, with its defaults
            settings.raw().keySet().stream().map(key -> familyOf(key, k)).flatMap(java.util.Optional::stream).distinct()
                    .forEach(value -> put(out, k.instance(value)));
        }
        settings.raw().forEach((key, raw) -> {
            if (raw.isEmpty() && out.containsKey(key)) {
                return; // an empty value means the default
            }
            String value;
            try {
                value = settings.string(key, "");
            } catch (ConfigException e) {
                value = "(unset: " + e.getMessage().substring(e.getMessage().lastIndexOf(": ") + 2) + ")";
            }
            if (SettingsSchema.isSecret(key) && !value.isEmpty() && !value.startsWith("(unset")) {
                value = MASK;
            } else if (SettingsSchema.find(key).map(k -> k.type() == SettingKey.Type.URL).orElse(false)) {
                value = UrlSecrets.mask(value, MASK); // a JDBC or webhook URL may carry a password
            }
            List<String> variables = new ArrayList<>();
            Matcher m = ENV.matcher(raw);
            while (m.find()) {
                variables.add(m.group(1));
            }
            String source = variables.isEmpty() ? settings.source()
                    : "environment " + String.join(", ", variables) + " (" + settings.source() + ")";
            out.put(key, new Entry(key, value, source));
        });
        return List.copyOf(out.values());
    }
}
