package org.tubemail.spring;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.tubemail.state.StateStorage;

/**
 * Actuator health for Tubemail, when the application has Spring Boot Actuator:
 * {@code tubemailReceivers} (UP while the receivers run, with the SMTP address) and
 * {@code tubemailStorage} (UP when the state storage answers a read).
 */
@AutoConfiguration(after = TubemailAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
public class TubemailHealthConfiguration {

    /** UP while the receivers run. */
    @Bean
    @ConditionalOnBean(TubemailReceivers.class)
    @ConditionalOnMissingBean(name = "tubemailReceiversHealthIndicator")
    public HealthIndicator tubemailReceiversHealthIndicator(TubemailReceivers receivers) {
        return () -> receivers.isRunning()
                ? Health.up().withDetail("smtp", receivers.smtpHost() + ":" + receivers.smtpPort()).build()
                : Health.down().withDetail("reason", "the receivers are stopped").build();
    }

    /** UP when the state storage answers a read; DOWN with the storage's error otherwise. */
    @Bean
    @ConditionalOnBean(StateStorage.class)
    @ConditionalOnMissingBean(name = "tubemailStorageHealthIndicator")
    public HealthIndicator tubemailStorageHealthIndicator(StateStorage storage) {
        return () -> {
            try {
                storage.get("tubemail-health", "probe");
                return Health.up().withDetail("storage", storage.getClass().getSimpleName()).build();
            } catch (RuntimeException e) {
                return Health.down().withDetail("storage", storage.getClass().getSimpleName()).withDetail("error", String.valueOf(e.getMessage()))
                        .build();
            }
        };
    }
}
