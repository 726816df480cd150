package org.tubemail.internal.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings file ({@code config/settings.properties}): typed reads that fail with a
 * {@link ConfigException} naming the file, the key and the expected form. A value may refer to an
 * environment variable as {@code ${env:NAME}}. Relative paths are resolved against the project home
 * (the folder holding {@code config/}). {@link #load} refuses keys that {@link SettingsSchema} does not
 * declare and values with a trailing comment.
 */
public final class Settings {

    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    private final String source;
    private final Path home;
    private final Map<String, String> values;
    private final Function<String, String> environment;
    private final String keyPrefix;

    Settings(String source, Path home, Map<String, String> values, Function<String, String> environment) {
        this(source, home, values, environment, "");
    }

    private Settings(String source, Path home, Map<String, String> values, Function<String, String> environment, String keyPrefix) {
        this.source = source;
        this.home = home;
        this.values = values;
        this.environment = environment;
        this.keyPrefix = keyPrefix;
    }

    /** Reads {@code home/config/settings.properties}. */
    public static Settings load(Path home) {
        return load(home, home.resolve("config").resolve("settings.properties"), System::getenv);
    }

    /** Reads {@code file}; {@code environment} answers {@code ${env:NAME}} references. */
    public static Settings load(Path home, Path file, Function<String, String> environment) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": settings file not found (run from the project folder, or pass --home)");
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(file + ": cannot read settings: " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> values.put(k, p.getProperty(k).trim()));
        SettingsSchema.check(displayName(home, file), "", values);
        return new Settings(displayName(home, file), home, values, environment);
    }

    private static String displayName(Path home, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path h = home.toAbsolutePath().normalize();
        return abs.startsWith(h) ? h.relativize(abs).toString() : abs.toString();
    }

    /** Settings from a map, e.g. in tests, checked as {@link #load} checks a file; {@code source} names them in errors. */
    public static Settings of(String source, Path home, Map<String, String> values) {
        SettingsSchema.check(source, "", values);
        return new Settings(source, home, new LinkedHashMap<>(values), System::getenv);
    }

    /**
     * Settings read from a larger configuration under a prefix (e.g. Spring's {@code tubemail.}):
     * keys are given without it, and errors name them with it ({@code tubemail.receiver.smtp.port}).
     */
    public static Settings of(String source, String keyPrefix, Path home, Map<String, String> values) {
        return new Settings(source, home, new LinkedHashMap<>(values), System::getenv, keyPrefix);
    }

    /** A copy with {@code key} set to {@code value}. */
    public Settings with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        return new Settings(source, home, copy, environment, keyPrefix);
    }

    /** The project home. */
    public Path home() {
        return home;
    }

    /** Where the settings came from, as errors name it. */
    public String source() {
        return source;
    }

    private ConfigException error(String key, String value, String expected) {
        return new ConfigException(source + ": " + keyPrefix + key + " = '" + value + "': expected " + expected);
    }

    /** The raw value after {@code ${env:...}} substitution, or {@code fallback} when unset or empty. */
    public String string(String key, String fallback) {
        SettingsSchema.requireDeclared(key, false);
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        Matcher m = ENV.matcher(v);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String env = environment.apply(m.group(1));
            if (env == null) {
                throw new ConfigException(source + ": " + keyPrefix + key + " = '" + v + "': environment variable " + m.group(1) + " is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(env));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A whole number in {@code [min, max]}. */
    public int integer(String key, int fallback, int min, int max) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(key, v, "a whole number from " + min + " to " + max);
    }

    /** A positive number of bytes, plain or with a binary suffix (see {@link #bytes(String, long, boolean)}). */
    public long bytes(String key, long fallback) {
        return bytes(key, fallback, false);
    }

    /**
     * A number of bytes, plain or with a binary suffix ({@code 512KiB}, {@code 20MiB}, {@code 1GiB});
     * {@code zeroAllowed} lets {@code 0} mean "none".
     */
    public long bytes(String key, long fallback, boolean zeroAllowed) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,15})\\s*(KiB|MiB|GiB)?").matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "" : m.group(2);
            n *= switch (unit) {
                case "KiB" -> 1024L;
                case "MiB" -> 1024L * 1024;
                case "GiB" -> 1024L * 1024 * 1024;
                default -> 1L;
            };
            if (n > 0 || zeroAllowed) {
                return n;
            }
        }
        throw error(key, v, (zeroAllowed ? "a number of bytes (0 for none)" : "a positive number of bytes")
                + ", optionally with KiB, MiB or GiB, e.g. 20MiB");
    }

    /** A TCP port, 0 meaning any free one. */
    public int port(String key, int fallback) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 0 && n <= 65535) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(key, v, "a port number 0-65535");
    }

    /** A duration in whole seconds ({@code 0} allowed when {@code zeroAllowed}). */
    public Duration seconds(String key, Duration fallback, boolean zeroAllowed) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v);
            if (n > 0 || zeroAllowed && n == 0) {
                return Duration.ofSeconds(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(key, v, zeroAllowed ? "a number of seconds, 0 for none" : "a positive number of seconds");
    }

    /** One of {@code choices} (case-insensitive), returned in lower case. */
    public String choice(String key, String fallback, String... choices) {
        String v = string(key, fallback).toLowerCase(Locale.ROOT);
        if (Arrays.asList(choices).contains(v)) {
            return v;
        }
        throw error(key, v, "one of " + String.join(", ", choices));
    }

    /** {@code true} or {@code false} (in any case), nothing else. */
    public boolean bool(String key, boolean fallback) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return v.equalsIgnoreCase("true");
        }
        throw error(key, v, "true or false");
    }

    /** The keys as written, with their values before {@code ${env:...}} substitution. */
    public Map<String, String> raw() {
        return java.util.Collections.unmodifiableMap(values);
    }

    /** A comma-separated list, blanks dropped. */
    public List<String> list(String key, String fallback) {
        return Arrays.stream(string(key, fallback).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** A path, relative ones resolved against the home. */
    public Path path(String key, String fallback) {
        String v = string(key, fallback);
        try {
            return home.resolve(v).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw error(key, v, "a file system path");
        }
    }

    /** File permissions, in octal ({@code 660}) or symbolic ({@code rw-rw----}) form. */
    public java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(String key, String fallback) {
        String v = string(key, fallback);
        String symbolic = v;
        if (v.matches("[0-7]{3}")) {
            StringBuilder b = new StringBuilder();
            for (char c : v.toCharArray()) {
                int d = c - '0';
                b.append((d & 4) != 0 ? 'r' : '-').append((d & 2) != 0 ? 'w' : '-').append((d & 1) != 0 ? 'x' : '-');
            }
            symbolic = b.toString();
        }
        try {
            return java.nio.file.attribute.PosixFilePermissions.fromString(symbolic);
        } catch (IllegalArgumentException e) {
            throw error(key, v, "file permissions in octal (660) or symbolic (rw-rw----) form");
        }
    }

    /** A regular expression. */
    public String regex(String key, String value) {
        try {
            Pattern.compile(value);
            return value;
        } catch (java.util.regex.PatternSyntaxException e) {
            throw error(key, value, "a valid regular expression (" + e.getDescription() + ")");
        }
    }

    /** Every key starting with {@code prefix}, mapped to its value (prefix removed from the key). */
    public Map<String, String> withPrefix(String prefix) {
        SettingsSchema.requireDeclared(prefix, true);
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                out.put(k.substring(prefix.length()), string(k, ""));
            }
        });
        return out;
    }

    /** An error about {@code key} for callers that check values themselves. */
    public ConfigException invalid(String key, String expected) {
        return error(key, values.getOrDefault(key, ""), expected);
    }
}
