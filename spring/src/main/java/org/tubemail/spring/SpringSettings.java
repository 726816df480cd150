package org.tubemail.spring;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.config.SettingsSchema;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tubemail's {@link Settings} read from the Spring environment under {@code tubemail.*}: the keys of
 * {@code config/settings.properties}, with the same defaults and checks, from
 * {@code application.properties}, YAML, environment variables ({@code TUBEMAIL_RECEIVER_SMTP_PORT})
 * or any other property source. Errors name the property ({@code tubemail.receiver.smtp.port}).
 * {@code tubemail.home} (default: the working folder) is the folder that relative paths such as
 * {@code run/state.db} are resolved against. As with the settings file, a key that
 * {@link SettingsSchema} does not declare stops start-up, naming the nearest declared one
 * (except keys from the process's {@code TUBEMAIL_*} environment variables, which serve other uses too).
 * Every key the server reads is read here too, except {@code log.level} and {@code drain.*}, which
 * mean nothing in a Spring application: setting one stops start-up, naming it and what to use instead.
 */
public final class SpringSettings {

    /** The property prefix. */
    public static final String PREFIX = "tubemail.";

    /** The server's settings that mean nothing in a Spring application, with what to use instead. */
    static final Map<String, String> UNSUPPORTED = Map.of(
            "log.level", "Spring Boot configures logging: use logging.level.org.tubemail",
            "drain.delay.seconds", "the receivers stop with the context, without the drain of tubemail stop --drain",
            "drain.timeout.seconds", "the receivers stop with the context, without the drain of tubemail stop --drain");

    /** A list element as the Binder gives it: a YAML sequence or {@code key[0]} becomes {@code key.0}. */
    private static final Pattern INDEXED = Pattern.compile("(.+)\\.(\\d+)");

    private SpringSettings() {
    }

    /** The settings under {@code tubemail.*}. */
    public static Settings from(Environment environment) {
        Map<String, String> bound = Binder.get(environment)
                .bind("tubemail", Bindable.mapOf(String.class, String.class)).orElseGet(Map::of);
        // A YAML sequence arrives as key.0, key.1, ...: Tubemail's lists are comma-separated.
        Map<String, String> values = new TreeMap<>();
        Map<String, TreeMap<Integer, String>> lists = new TreeMap<>();
        bound.forEach((key, value) -> {
            Matcher m = INDEXED.matcher(key);
            if (m.matches()) {
                lists.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(Integer.parseInt(m.group(2)), value);
            } else {
                values.put(key, value);
            }
        });
        lists.forEach((key, items) -> values.put(key, String.join(",", items.values())));
        Path home = Path.of(values.getOrDefault("home", "")).toAbsolutePath().normalize();
        Map<String, String> declared = new TreeMap<>(values);
        declared.remove("home");
        // TUBEMAIL_* variables of the process (TUBEMAIL_HOME, a test's TUBEMAIL_PG_URL) bind here too: not checked.
        if (environment instanceof ConfigurableEnvironment c) {
            c.getSystemEnvironment().keySet().stream().filter(n -> n.startsWith("TUBEMAIL_"))
                    .forEach(n -> declared.remove(n.substring("TUBEMAIL_".length()).toLowerCase(Locale.ROOT).replace('_', '.')));
        }
        SettingsSchema.check("Spring environment", PREFIX, declared);
        List<String> unsupported = declared.keySet().stream().filter(UNSUPPORTED::containsKey)
                .map(k -> PREFIX + k + " (" + UNSUPPORTED.get(k) + ")").toList();
        if (!unsupported.isEmpty()) {
            throw new ConfigException("Spring environment: not supported in a Spring application: " + String.join("; ", unsupported));
        }
        return Settings.of("Spring environment", PREFIX, home, values);
    }
}
