package org.tubemail.spring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.tubemail.mail.MailRequest;
import org.tubemail.routing.Route;
import org.tubemail.routing.Router;
import org.tubemail.state.MemoryStorage;
import org.tubemail.state.StateStorage;

import java.nio.file.Path;

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
