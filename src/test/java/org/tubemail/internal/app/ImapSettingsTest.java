package org.tubemail.internal.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad {@code receiver.imap.NAME.*} settings stop start-up with the file, the key and the expected form. */
class ImapSettingsTest {

    @TempDir
    Path home;

    private Settings settings() throws Exception {
        Files.createDirectories(home.resolve("config"));
        if (!Files.exists(home.resolve("config/settings.properties"))) {
            Files.copy(Path.of("config/settings.properties"), home.resolve("config/settings.properties"));
        }
        return Settings.load(home).with("receiver.smtp.port", "0").with("storage.kind", "memory")
                .with("receiver.imap.support.host", "imap.example.com").with("receiver.imap.support.user", "support@example.com");
    }

    private String error(Settings s) {
        return assertThrows(ConfigException.class, () -> TubemailServer.configure(s)).getMessage();
    }

    @Test
    void eachMistakeNamesItsKey() throws Exception {
        String noPassword = error(settings());
        assertTrue(noPassword.contains("receiver.imap.support.password") && noPassword.contains("settings.properties"), noPassword);
        String badSecurity = error(settings().with("receiver.imap.support.password", "x").with("receiver.imap.support.security", "ssl"));
        assertTrue(badSecurity.contains("receiver.imap.support.security = 'ssl': expected one of tls, starttls, none"), badSecurity);
        String noProvider = error(settings().with("receiver.imap.support.auth", "xoauth2"));
        assertTrue(noProvider.contains("receiver.imap.support.token.provider"), noProvider);
        String badProvider = error(settings().with("receiver.imap.support.auth", "xoauth2")
                .with("receiver.imap.support.token.provider", "java.lang.String"));
        assertTrue(badProvider.contains("token.provider"), badProvider);
        String badAfter = error(settings().with("receiver.imap.support.password", "x").with("receiver.imap.support.after", "archive"));
        assertTrue(badAfter.contains("receiver.imap.support.after = 'archive': expected one of move, flag, delete"), badAfter);
    }
}
