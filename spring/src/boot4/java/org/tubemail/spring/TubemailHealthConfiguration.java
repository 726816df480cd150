package org.tubemail.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.tubemail.internal.state.StateStorage;

/**
 * Actuator health for Tubemail (Spring Boot 4), when the application has Spring Boot Actuator:
 * {@code tubemailReceivers} and {@code tubemailStorage}, as {@link TubemailHealth} judges them.
 */
@AutoConfiguration(after = TubemailAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
public class TubemailHealthConfiguration {

    /** UP while the receivers run. */
    @Bean
    @ConditionalOnBean(TubemailReceivers.class)
    @ConditionalOnMissingBean(name = "tubemailReceiversHealthIndicator")
    public HealthIndicator tubemailReceiversHealthIndicator(TubemailReceivers receivers) {
        return () -> health(TubemailHealth.of(receivers));
    }

    /** UP when the state storage answers a read. */
    @Bean
    @ConditionalOnBean(StateStorage.class)
    @ConditionalOnMissingBean(name = "tubemailStorageHealthIndicator")
    public HealthIndicator tubemailStorageHealthIndicator(StateStorage storage) {
        return () -> health(TubemailHealth.of(storage));
    }

    private static Health health(TubemailHealth h) {
        return (h.up() ? Health.up() : Health.down()).withDetails(h.details()).build();
    }
}
