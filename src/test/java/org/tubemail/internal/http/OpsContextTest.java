package org.tubemail.internal.http;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** /metrics scrapes the Prometheus registry an application's composite registry holds, if any. */
class OpsContextTest {

    @Test
    void thePrometheusRegistryIsFoundInsideAComposite() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CompositeMeterRegistry spring = new CompositeMeterRegistry();
        spring.add(new SimpleMeterRegistry());
        spring.add(prometheus);
        assertEquals(Optional.of(prometheus), OpsContext.prometheus(spring));
        assertEquals(Optional.of(prometheus), OpsContext.prometheus(prometheus));
        assertEquals(Optional.empty(), OpsContext.prometheus(new SimpleMeterRegistry()));
    }
}
