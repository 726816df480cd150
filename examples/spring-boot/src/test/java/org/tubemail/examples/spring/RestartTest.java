package org.tubemail.examples.spring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.tubemail.spring.TubemailReceivers;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A sender's state is in MapDB, so it survives closing the application context and starting a new one. */
class RestartTest {

    @TempDir
    Path home;

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(SignupApplication.class).run("--tubemail.home=" + home, "--tubemail.receiver.smtp.port=0");
    }

    @Test
    void stateSurvivesAContextRestart() throws Exception {
        try (ConfigurableApplicationContext first = start()) {
            Mail.send(first.getBean(TubemailReceivers.class).smtpPort(), "bob@example.org", "join@localhost", "first");
            assertThat(Mail.awaitReply(home, 1)).contains("Reply to this message to confirm");
        }
        assertThat(home.resolve("run/state.db")).exists();
        try (ConfigurableApplicationContext second = start()) {
            Mail.send(second.getBean(TubemailReceivers.class).smtpPort(), "bob@example.org", "join@localhost", "Re: first");
            assertThat(Mail.awaitReply(home, 2)).contains("Confirmed: welcome to the Tubemail example community.");
        }
        assertThat(Files.list(home.resolve("run/outbox/new")).count()).isEqualTo(2);
    }
}
