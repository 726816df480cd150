package org.tubemail.internal.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A settings file written from the schema names every declared key once, sets the given values, and loads. */
class SettingsFileTest {

    @TempDir
    Path home;

    @Test
    void everyDeclaredKeyAppearsWithItsMeaningAndTheGivenValuesAreSet() throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("receiver.smtp.port", "9025");
        values.put("route.default.host", "example\\.com");
        values.put("relay.dkim.example.org.selector", "s1");
        String text = SettingsFile.render(List.of("my-app: settings"), values);
        assertTrue(text.startsWith("# my-app: settings\n"), text);
        List<String> lines = text.lines().toList();
        for (SettingKey k : SettingsSchema.KEYS) {
            int at = lines.indexOf(k.isPattern() || !values.containsKey(k.name()) ? "#" + k.name() + "=" + (k.isPattern()
                    || k.defaultValue().startsWith("(") ? "" : k.defaultValue().replace("\\", "\\\\")) : k.name() + "=" + values.get(k.name()).replace("\\", "\\\\"));
            assertTrue(at > 0, k.name() + " is in the file:\n" + text);
            assertTrue(lines.get(at - 1).startsWith("# " + k.description()), "its meaning is the comment above it: " + lines.get(at - 1));
        }
        Settings settings = load(text);
        assertEquals(9025, settings.port("receiver.smtp.port", 0));
        assertEquals("example\\.com", settings.string("route.default.host", ""));
        assertEquals("s1", settings.string("relay.dkim.example.org.selector", ""));
        assertEquals(3, settings.raw().size(), "only the given values are in effect: " + settings.raw());
        int pattern = lines.indexOf("#relay.dkim.DOMAIN.selector=");
        assertEquals("relay.dkim.example.org.selector=s1", lines.get(pattern + 1), "an instance follows its pattern");
    }

    @Test
    void everyCommentedDefaultCanBeUncommented() throws Exception {
        String uncommented = SettingsFile.distribution().lines().map(l -> l.matches("#[a-z][A-Za-z0-9.]*=.+") ? l.substring(1) : l)
                .reduce("", (a, b) -> a + b + "\n");
        Settings settings = load(uncommented);
        assertEquals("org.tubemail.examples.echo.EchoHandler", settings.string("handlers", ""));
        assertEquals("8825", settings.string("receiver.smtp.port", ""));
    }

    @Test
    void anUndeclaredKeyIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SettingsFile.render(List.of(), Map.of("receiver.smtp.prot", "1")));
        assertEquals("not declared in SettingsSchema: receiver.smtp.prot", e.getMessage());
    }

    private Settings load(String text) throws Exception {
        Path file = Files.createDirectories(home.resolve("config")).resolve("settings.properties");
        Files.writeString(file, text);
        return Settings.load(home);
    }
}
