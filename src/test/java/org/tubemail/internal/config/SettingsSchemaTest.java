package org.tubemail.internal.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings file holds only declared keys, without trailing comments, and with strict booleans. */
class SettingsSchemaTest {

    @TempDir
    Path home;

    private Settings file(String text) throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/settings.properties"), text);
        return Settings.load(home);
    }

    private String error(String text) {
        return assertThrows(ConfigException.class, () -> file(text)).getMessage();
    }

    @Test
    void unknownKeyNamesFileKeyAndNearestKnownKey() {
        String e = error("receiver.smtp.port=8825\nreceiver.smtp.prot=8925\n");
        assertTrue(e.startsWith("config/settings.properties: receiver.smtp.prot: unknown setting; did you mean receiver.smtp.port?\n"), e);
        assertTrue(e.contains("bin/tubemail config --keys"), e);
        assertTrue(error("receiver.tls.require=true\n").contains("receiver.tls.require: unknown setting; did you mean receiver.tls.required?"));
        assertTrue(error("Receiver.auth.reject=true\n").contains("did you mean receiver.auth.reject?"));
    }

    @Test
    void nearestKeyOfAFamilyKeepsItsName() {
        assertTrue(error("receiver.imap.support.hots=imap.example.com\n").contains("did you mean receiver.imap.support.host?"));
        assertTrue(error("forward.http.hook=https://a.example/\nforward.http.hook.secrt=0123456789abcdef0\n")
                .contains("forward.http.hook.secrt: unknown setting; did you mean forward.http.hook.secret?"));
        assertTrue(error("relay.dkim.example.org.kye=config/dkim/k.pem\n").contains("did you mean relay.dkim.example.org.key?"));
        assertTrue(error("route.defualt.host=x\n").contains("did you mean route.default.host?"));
    }

    @Test
    void farFromEveryKeyNoGuess() {
        String e = error("completely.different.thing=1\n");
        assertTrue(e.startsWith("config/settings.properties: completely.different.thing: unknown setting\n"), e);
    }

    @Test
    void everyProblemIsOneLine() {
        String e = error("receiver.smtp.prot=1\nrelay.hots=x\n");
        assertTrue(e.contains("receiver.smtp.prot: unknown setting") && e.contains("relay.hots: unknown setting; did you mean relay.host?"), e);
    }

    @Test
    void trailingCommentIsRefusedButHashInsideAValueIsNot() throws Exception {
        assertEquals("config/settings.properties: receiver.smtp.port = '8825  # not 25': a .properties file has no trailing comments"
                        + " (put the comment on a line of its own; a value that must hold whitespace then # can come from ${env:NAME})",
                error("receiver.smtp.port=8825  # not 25\n"));
        assertTrue(error("relay.host=\t# smarthost\n").contains("relay.host = '# smarthost': a .properties file has no trailing comments"));
        assertTrue(error("relay.helo=mx.example.com\t#x\n").contains("no trailing comments"));
        Settings s = file("http.public.url=https://lists.example.com/#top\nrelay.password=pa#ss#\nrelay.username=#me\n");
        assertEquals("https://lists.example.com/#top", s.string("http.public.url", ""));
        assertEquals("pa#ss#", s.string("relay.password", ""));
        assertEquals("#me", s.string("relay.username", ""));
    }

    @Test
    void booleansAreTrueOrFalse() throws Exception {
        assertEquals("config/settings.properties: receiver.tls.required = 'yes': expected true or false", error("receiver.tls.required=yes\n"));
        assertEquals("config/settings.properties: receiver.auth.reject = 'ture': expected true or false", error("receiver.auth.reject=ture\n"));
        Settings s = file("receiver.tls.required=TRUE\nreceiver.auth.reject=false\nhttp.enabled=\n");
        assertEquals(true, s.bool("receiver.tls.required", false));
        assertEquals(false, s.bool("receiver.auth.reject", true));
        assertEquals(true, s.bool("http.enabled", true));
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.of("t", home, Map.of("app.flag", "1")).bool("app.flag", false));
        assertEquals("t: app.flag = '1': expected true or false", e.getMessage());
    }

    @Test
    void applicationKeysAreFree() throws Exception {
        Settings s = file("app.mylist.owner=owner@example.com\napp.mylist.secret=s3cret\n");
        assertEquals("owner@example.com", s.string("app.mylist.owner", ""));
        assertTrue(SettingsSchema.isSecret("app.mylist.secret"));
        assertTrue(!SettingsSchema.isSecret("app.mylist.owner"));
    }

    @Test
    void settingsFromAMapAreCheckedAndSpringNamesItsPrefix() {
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.of("bench", home, Map.of("receiver.smtp.prot", "1")));
        assertEquals(true, e.getMessage().startsWith("bench: receiver.smtp.prot: unknown setting; did you mean receiver.smtp.port?"));
        e = assertThrows(ConfigException.class, () -> SettingsSchema.check("Spring environment", "tubemail.", Map.of("storage.knd", "memory")));
        assertTrue(e.getMessage().startsWith("Spring environment: tubemail.storage.knd: unknown setting; did you mean tubemail.storage.kind?"), e.getMessage());
    }

    @Test
    void patternsMatchTheirInstancesOnly() {
        assertEquals("receiver.imap.NAME.token.provider", SettingsSchema.find("receiver.imap.a.token.provider").orElseThrow().name());
        assertEquals("forward.http.NAME", SettingsSchema.find("forward.http.hook").orElseThrow().name());
        assertEquals("forward.http.NAME.secret", SettingsSchema.find("forward.http.hook.secret").orElseThrow().name());
        assertEquals("relay.dkim.DOMAIN.key", SettingsSchema.find("relay.dkim.lists.example.com.key").orElseThrow().name());
        assertTrue(SettingsSchema.find("relay.dkim.example.com").isEmpty());
        assertTrue(SettingsSchema.find("receiver.imap.a.b.host").isEmpty());
        assertTrue(SettingsSchema.isSecret("forward.http.hook.secret") && SettingsSchema.isSecret("receiver.imap.a.password"));
        assertTrue(!SettingsSchema.isSecret("relay.dkim.example.com.key"), "a key file's path is no secret");
    }

    @Test
    void strictModeRefusesReadsOfUndeclaredKeys() {
        assertEquals("true", System.getProperty(SettingsSchema.STRICT_PROPERTY), "the test suite runs in strict mode (pom.xml)");
        Settings s = Settings.of("t", home, Map.of());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.integer("receiver.smtp.prot", 1, 0, 9));
        assertTrue(e.getMessage().startsWith("setting receiver.smtp.prot is read but not declared: add a line"
                + " key(\"receiver.smtp.prot\", TYPE, \"default\", \"meaning\") to org.tubemail.internal.config.SettingsSchema.KEYS"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> s.withPrefix("receiver.undeclared."));
        assertEquals(Map.of(), s.withPrefix("receiver.imap."));
    }

    @Test
    void distanceCountsASwapOnce() {
        assertEquals(1, SettingsSchema.distance("prot", "port"));
        assertEquals(1, SettingsSchema.distance("port", "ports"));
        assertEquals(3, SettingsSchema.distance("receiver.tls.requird", "receiver.tls.required.x"));
    }
}
