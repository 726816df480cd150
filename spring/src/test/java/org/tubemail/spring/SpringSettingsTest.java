package org.tubemail.spring;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code tubemail.*} properties read as Tubemail's settings. */
class SpringSettingsTest {

    @Test
    void readsKeysListsAndHome() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("tubemail.home", "/srv/mail")
                .withProperty("tubemail.receiver.smtp.port", "2525")
                .withProperty("tubemail.receiver.accepted.domains[0]", "a.example")
                .withProperty("tubemail.receiver.accepted.domains[1]", "b.example")
                .withProperty("tubemail.route.default.host", "a\\.example")
                .withProperty("other.receiver.smtp.port", "1");
        Settings s = SpringSettings.from(env);
        assertThat(s.port("receiver.smtp.port", 8825)).isEqualTo(2525);
        assertThat(s.list("receiver.accepted.domains", "localhost")).isEqualTo(List.of("a.example", "b.example"));
        assertThat(s.withPrefix("route.default.")).containsEntry("host", "a\\.example");
        assertThat(s.path("storage.path", "run/state.db")).isEqualTo(Path.of("/srv/mail/run/state.db"));
    }

    @Test
    void aMisspelledPropertyStopsStartUpNamingTheNearestOne() {
        MockEnvironment env = new MockEnvironment().withProperty("tubemail.home", "/srv/mail").withProperty("tubemail.receiver.smtp.prot", "2525");
        assertThatThrownBy(() -> SpringSettings.from(env)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Spring environment: tubemail.receiver.smtp.prot: unknown setting; did you mean tubemail.receiver.smtp.port?");
    }

    @Test
    void settingsTheStarterDoesNotSupportStopStartUpNamingThem() {
        MockEnvironment env = new MockEnvironment().withProperty("tubemail.log.level", "debug")
                .withProperty("tubemail.drain.timeout.seconds", "5").withProperty("tubemail.receiver.smtp.port", "2525");
        assertThatThrownBy(() -> SpringSettings.from(env)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Spring environment: not supported in a Spring application: tubemail.drain.timeout.seconds (")
                .hasMessageContaining("; tubemail.log.level (Spring Boot configures logging: use logging.level.org.tubemail)")
                .hasMessageNotContaining("smtp.port");
    }

    @Test
    void errorsNameTheProperty() {
        Settings s = SpringSettings.from(new MockEnvironment().withProperty("tubemail.handler.timeout.seconds", "soon"));
        assertThatThrownBy(() -> s.seconds("handler.timeout.seconds", java.time.Duration.ofSeconds(60), true))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Spring environment: tubemail.handler.timeout.seconds = 'soon': expected a number of seconds, 0 for none");
    }
}
