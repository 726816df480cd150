package org.tubemail.examples.spring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.tubemail.spring.TubemailReceivers;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole application on a random SMTP port: real SMTP in, the handler's reply in the outbox, health UP. */
@SpringBootTest(properties = "tubemail.receiver.smtp.port=0")
class SignupApplicationTest {

    @TempDir
    static Path home;

    @DynamicPropertySource
    static void home(DynamicPropertyRegistry registry) {
        registry.add("tubemail.home", home::toString);
    }

    @Autowired
    TubemailReceivers receivers;

    @Autowired
    HealthEndpoint health;

    @Test
    void answersRealSmtpMailAndReportsHealth() throws Exception {
        // signup.example is the second accepted domain of application.yml's YAML list.
        Mail.send(receivers.smtpPort(), "ann@example.org", "join@signup.example", "hello");
        String reply = Mail.awaitReply(home, 1);
        assertThat(reply).contains("Subject: Re: hello", "Delivered-To: ann@example.org", "From: join@signup.example",
                "Thanks for writing to the Tubemail example community. Reply to this message to confirm");

        assertThat(health.healthForPath("tubemailReceivers").getStatus()).isEqualTo(Status.UP);
        assertThat(health.healthForPath("tubemailStorage").getStatus()).isEqualTo(Status.UP);
    }
}
