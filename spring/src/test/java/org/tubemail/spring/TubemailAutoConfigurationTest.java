package org.tubemail.spring;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.tubemail.handler.Route;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.state.MemoryStorage;
import org.tubemail.internal.state.StateStorage;
import org.tubemail.mail.MailRequest;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The auto-configuration: settings checked with errors naming the property, beans that can be replaced. */
class TubemailAutoConfigurationTest {

    @TempDir
    Path home;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TubemailAutoConfiguration.class, TubemailHealthConfiguration.class))
                .withPropertyValues("tubemail.home=" + home, "tubemail.receiver.smtp.port=0");
    }

    @Test
    void aBadSettingFailsStartUpNamingTheProperty() {
        runner().withUserConfiguration(Handlers.class).withPropertyValues("tubemail.receiver.smtp.port=abc").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause()
                    .hasMessage("Spring environment: tubemail.receiver.smtp.port = 'abc': expected a port number 0-65535");
        });
        runner().withUserConfiguration(Handlers.class).withPropertyValues("tubemail.storage.kind=redis").run(ctx ->
                assertThat(ctx.getStartupFailure()).rootCause()
                        .hasMessage("Spring environment: tubemail.storage.kind = 'redis': expected one of memory, mapdb, postgres"));
    }

    @Test
    void routeBeansBecomeHandlerModulesAndBeansCanBeReplaced() {
        runner().withUserConfiguration(Handlers.class, OwnStorage.class).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            Router router = ctx.getBean(Router.class);
            assertThat(router.storage()).isSameAs(ctx.getBean(OwnStorage.class).storage);
            assertThat(router.modules()).singleElement().satisfies(m -> assertThat(m.instance()).isSameAs(ctx.getBean(Echo.class)));
            assertThat(ctx).hasSingleBean(TubemailReceivers.class);
            assertThat(ctx.getBean(TubemailReceivers.class).isRunning()).isTrue();
        });
    }

    /** The settings the server reads apply here too: handler classes by name, and webhooks that really receive the mail. */
    @Test
    void handlersAndWebhooksOfTheSettingsAreServed() throws Exception {
        List<String> posted = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", exchange -> {
            posted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hook.start();
        try {
            runner().withUserConfiguration(Handlers.class).withPropertyValues("tubemail.handlers=" + Second.class.getName(),
                    "tubemail.forward.http.support=http://127.0.0.1:" + hook.getAddress().getPort() + "/hook",
                    "tubemail.forward.http.support.secret=0123456789abcdef").run(ctx -> {
                assertThat(ctx).hasNotFailed();
                assertThat(ctx.getBean(Router.class).routes()).extracting(m -> m.route().source())
                        .containsExactly("echo@(host)", "second@(host)", "support@(host)");
                int port = ctx.getBean(TubemailReceivers.class).smtpPort();
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setSoTimeout(10_000);
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                    Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
                    assertThat(in.readLine()).startsWith("220");
                    for (String command : new String[] {"HELO test", "MAIL FROM:<ann@example.org>", "RCPT TO:<support@localhost>", "DATA"}) {
                        out.write(command + "\r\n");
                        out.flush();
                        String reply = in.readLine();
                        while (reply.charAt(3) == '-') reply = in.readLine();
                        assertThat(reply).as(command).matches("(250|354).*");
                    }
                    out.write("Subject: help\r\n\r\nplease\r\n.\r\n");
                    out.flush();
                    assertThat(in.readLine()).startsWith("250");
                }
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (posted.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
                assertThat(posted).singleElement().asString().contains("help");
            });
        } finally {
            hook.stop(0);
        }
    }

    @Test
    void handlerModulesRunInOrderOfTheirBeans() {
        runner().withUserConfiguration(Ordered.class).run(ctx -> assertThat(ctx.getBean(Router.class).modules())
                .extracting(m -> m.instance().getClass().getSimpleName()).containsExactly("First", "Second"));
    }

    @Test
    void withoutAnyRouteBeanStartUpSaysSo() {
        runner().run(ctx -> assertThat(ctx.getStartupFailure()).rootCause()
                .hasMessage("Tubemail: no handler: no bean has a method with @Route or @RouteLike"));
    }

    /** With an application registry (as Actuator makes), mail received over real SMTP shows in its meters. */
    @Test
    void metersGoIntoTheApplicationsRegistry() {
        runner().withUserConfiguration(Handlers.class, AppRegistry.class).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            int port = ctx.getBean(TubemailReceivers.class).smtpPort();
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
                assertThat(in.readLine()).startsWith("220");
                for (String command : new String[] {"HELO test", "MAIL FROM:<ann@example.org>", "RCPT TO:<echo@localhost>", "DATA"}) {
                    out.write(command + "\r\n");
                    out.flush();
                    String reply = in.readLine();
                    while (reply.charAt(3) == '-') reply = in.readLine();
                    assertThat(reply).as(command).matches("(250|354).*");
                }
                out.write("Subject: hi\r\n\r\nhello\r\n.\r\n");
                out.flush();
                assertThat(in.readLine()).startsWith("250");
            }
            MeterRegistry registry = ctx.getBean(MeterRegistry.class);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (registry.find("tubemail.messages.routed").counters().isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(registry.get("tubemail.smtp.connections").counter().count()).isEqualTo(1.0);
            assertThat(registry.get("tubemail.messages.routed").counter().count()).isEqualTo(1.0);
            assertThat(ctx.getBean(Router.class).monitor()).isSameAs(ctx.getBean(Monitor.class));
        });
    }

    /** Actuator's types differ between Boot 3 and 4, so the indicators are called reflectively. */
    @Test
    void healthIndicatorsReportReceiversAndStorage() {
        runner().withUserConfiguration(Handlers.class).run(ctx -> {
            for (String name : new String[] {"tubemailReceiversHealthIndicator", "tubemailStorageHealthIndicator"}) {
                Object indicator = ctx.getBean(name);
                Object health = indicator.getClass().getMethod("health").invoke(indicator);
                Object status = health.getClass().getMethod("getStatus").invoke(health);
                assertThat(status.toString()).as(name).isEqualTo("UP");
            }
            ctx.getBean(TubemailReceivers.class).stop();
            Object indicator = ctx.getBean("tubemailReceiversHealthIndicator");
            Object health = indicator.getClass().getMethod("health").invoke(indicator);
            assertThat(health.getClass().getMethod("getStatus").invoke(health).toString()).isEqualTo("DOWN");
        });
    }

    @Test
    void withoutARegistryNothingIsMetered() {
        runner().withUserConfiguration(Handlers.class).run(ctx -> assertThat(ctx.getBean(Monitor.class)).isSameAs(Monitor.NONE));
    }

    @Configuration(proxyBeanMethods = false)
    static class AppRegistry {
        @Bean
        MeterRegistry registry() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Handlers {
        @Bean
        Echo echo() {
            return new Echo();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnStorage {
        final MemoryStorage storage = new MemoryStorage();

        @Bean
        StateStorage myStorage() {
            return storage;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Ordered {
        @Bean
        @Order(2)
        Second second() {
            return new Second();
        }

        @Bean
        @Order(1)
        First first() {
            return new First();
        }
    }

    public static class First {
        @Route("first@(host)")
        public void START(MailRequest msg, String host) {
        }
    }

    public static class Second {
        @Route("second@(host)")
        public void START(MailRequest msg, String host) {
        }
    }

    public static class Echo {
        @Route("echo@(host)")
        public void START(MailRequest msg, String host) {
        }
    }
}
