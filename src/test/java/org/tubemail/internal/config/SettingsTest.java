package org.tubemail.internal.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.boot.Boot;
import org.tubemail.boot.BootContext;
import org.tubemail.internal.app.TubemailServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every bad setting stops start-up with a message naming the file, the key and the expected form. */
class SettingsTest {

    @TempDir
    Path home;

    private Settings file(String text) throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/settings.properties"), text);
        return Settings.load(home, home.resolve("config/settings.properties"), name -> name.equals("SECRET") ? "s3cret" : null);
    }

    private String configError(String settings) throws Exception {
        String text = "storage.kind=memory\nhandlers=org.tubemail.examples.echo.EchoHandler\nreceiver.smtp.port=0\nhttp.port=0\n" + settings;
        return assertThrows(ConfigException.class, () -> TubemailServer.configure(file(text)).stop(Duration.ZERO)).getMessage();
    }

    @Test
    void typedValuesAndEnvironment() throws Exception {
        Settings s = file("app.port=8825\napp.secs=30\napp.list= x , y,,z\napp.pass=${env:SECRET}!\napp.kind=MapDB\napp.on=TRUE\n");
        assertEquals(8825, s.port("app.port", 1));
        assertEquals(Duration.ofSeconds(30), s.seconds("app.secs", Duration.ZERO, false));
        assertEquals(java.util.List.of("x", "y", "z"), s.list("app.list", ""));
        assertEquals("s3cret!", s.string("app.pass", ""));
        assertEquals("mapdb", s.choice("app.kind", "memory", "memory", "mapdb"));
        assertEquals(true, s.bool("app.on", false));
        assertEquals(7, s.integer("app.missing", 7, 0, 10));
        assertEquals(home.resolve("run/x").normalize(), s.path("app.missing", "run/x"));
    }

    @Test
    void badValuesNameFileKeyAndExpectedForm() throws Exception {
        assertEquals("config/settings.properties: receiver.smtp.port = 'abc': expected a port number 0-65535",
                configError("receiver.smtp.port=abc\n"));
        assertEquals("config/settings.properties: receiver.smtp.port = '70000': expected a port number 0-65535",
                configError("receiver.smtp.port=70000\n"));
        assertEquals("config/settings.properties: storage.kind = 'shelve': expected one of memory, mapdb, postgres",
                configError("storage.kind=shelve\n"));
        assertEquals("config/settings.properties: receiver.max.recipients = '0': expected a whole number from 1 to 100000",
                configError("receiver.max.recipients=0\n"));
        assertEquals("config/settings.properties: receiver.idle.timeout.seconds = 'soon': expected a positive number of seconds",
                configError("receiver.idle.timeout.seconds=soon\n"));
        assertEquals("config/settings.properties: route.default.host = 'example\\.(com': expected a valid regular expression (Unclosed group)",
                configError("route.default.host=example\\\\.(com\n"));
        assertEquals("config/settings.properties: relay.password = '${env:NOPE}': environment variable NOPE is not set",
                configError("relay.host=127.0.0.1\nrelay.password=${env:NOPE}\n"));
        assertEquals("config/settings.properties: relay.security = 'ssl': expected one of none, starttls, tls",
                configError("relay.host=127.0.0.1\nrelay.security=ssl\n"));
        assertEquals("config/settings.properties: storage.postgres.url = '': expected a JDBC URL such as jdbc:postgresql://127.0.0.1:5432/tubemail",
                configError("storage.kind=postgres\n"));
        String pg = "storage.kind=postgres\nstorage.postgres.url=jdbc:postgresql://127.0.0.1:1/tubemail\n";
        assertEquals("config/settings.properties: storage.postgres.pool.size = '0': expected a whole number from 1 to 10000",
                configError(pg + "storage.postgres.pool.size=0\n"));
        assertEquals("config/settings.properties: storage.postgres.connection.timeout.seconds = '5s': expected a positive number of seconds",
                configError(pg + "storage.postgres.connection.timeout.seconds=5s\n"));
        assertEquals("config/settings.properties: drain.timeout.seconds = 'soon': expected a number of seconds, 0 for none",
                configError("drain.timeout.seconds=soon\n"));
    }

    @Test
    void badHandlersAndBootClass() throws Exception {
        assertEquals("config/settings.properties: handlers: org.example.Nope: no such class on the classpath",
                configError("handlers=org.example.Nope\n"));
        assertEquals("config/settings.properties: handlers = '': expected at least one handler class name (or a boot.class that adds one)",
                configError("handlers=\n"));
        String bad = configError("handlers=" + BadHandler.class.getName() + "\n");
        assertEquals(true, bad.startsWith("config/settings.properties: handlers: " + BadHandler.class.getName() + ".START: parameter 'nope'"), bad);
        assertEquals("config/settings.properties: boot.class = 'java.lang.String': expected a class implementing org.tubemail.boot.Boot",
                configError("boot.class=java.lang.String\n"));
    }

    @Test
    void routingAndReceiverModesAreSettings() throws Exception {
        assertEquals("config/settings.properties: route.exact.case = 'yes': expected true or false",
                configError("route.exact.case=yes\n"));
        assertEquals("config/settings.properties: receiver.smtp.data.reply = 'later': expected one of spooled, routed",
                configError("receiver.smtp.data.reply=later\n"));
        assertEquals("config/settings.properties: receiver.queue.workers = '0': expected a whole number from 1 to 1000",
                configError("receiver.queue.path=run/in\nreceiver.queue.workers=0\n"));
        for (String exact : new String[] {"false", "true"}) {
            Settings s = file("storage.kind=memory\nreceiver.smtp.port=0\nhandlers=org.tubemail.examples.echo.EchoHandler\n"
                    + "route.default.host=localhost\nroute.exact.case=" + exact + "\n");
            TubemailServer server = TubemailServer.configure(s);
            try {
                assertEquals(exact.equals("false"), server.router().accepts("ECHO@localhost"), "route.exact.case=" + exact);
                assertEquals(true, server.router().accepts("echo@LOCALHOST"));
            } finally {
                server.stop(Duration.ZERO);
            }
        }
    }

    @Test
    void missingFileSaysWhere() {
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.load(home));
        assertEquals(true, e.getMessage().contains("settings.properties: settings file not found"), e.getMessage());
    }

    @Test
    void bootHookWiresInJava() throws Exception {
        Settings s = file("storage.kind=memory\nreceiver.smtp.port=0\nboot.class=" + WiringBoot.class.getName() + "\n");
        TubemailServer server = TubemailServer.configure(s);
        try {
            assertEquals(1, server.router().modules().size());
            assertEquals(true, server.router().accepts("echo@boot.example"));
        } finally {
            server.stop(Duration.ZERO);
        }
    }

    /** A handler whose parameter matches no capture. */
    public static class BadHandler {
        @org.tubemail.handler.Route("x@(host)")
        public void START(String nope) {
        }
    }

    /** A boot hook adding the echo handler for its own domain. */
    public static class WiringBoot implements Boot {
        @Override
        public void boot(BootContext context) {
            context.router().defaultCapture("host", "boot\\.example");
            context.handlers().add(new org.tubemail.examples.echo.EchoHandler(context.relay()));
        }
    }
}
