package org.tubemail.spring;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.tubemail.app.Crypto;
import org.tubemail.app.Relays;
import org.tubemail.app.Storages;
import org.tubemail.app.TubemailServer;
import org.tubemail.config.ConfigException;
import org.tubemail.config.Settings;
import org.tubemail.http.HttpSettings;
import org.tubemail.monitor.EventHub;
import org.tubemail.monitor.MeteredMonitor;
import org.tubemail.monitor.Monitor;
import org.tubemail.relay.Relay;
import org.tubemail.routing.HandlerDefinitionException;
import org.tubemail.routing.Router;
import org.tubemail.state.StateStorage;
import org.tubemail.testing.TestKit;

import java.util.List;

/**
 * Tubemail in a Spring Boot application: {@link Settings} from {@code tubemail.*}, a
 * {@link StateStorage}, a {@link Relay} and a {@link Router} over every bean with {@code @Route}
 * methods (each replaceable by a bean of your own), and the receivers, started and stopped with the
 * context. In a {@code @TubemailTest} (a {@link TestKit} bean present) no receiver starts.
 */
@AutoConfiguration
@ConditionalOnClass(Router.class)
public class TubemailAutoConfiguration {

    /**
     * Tubemail's settings, from {@code tubemail.*}; puts the JCA provider {@code tubemail.crypto.provider}
     * asks for in place (native by default) before any key is read.
     */
    @Bean
    @ConditionalOnMissingBean
    public Settings tubemailSettings(Environment environment) {
        Settings settings = SpringSettings.from(environment);
        Crypto.use(settings);
        return settings;
    }

    /** The state storage {@code tubemail.storage.kind} names (MapDB at {@code run/state.db} by default). */
    @Bean
    @ConditionalOnMissingBean
    public StateStorage tubemailStateStorage(Settings settings) {
        return Storages.create(settings);
    }

    /**
     * Where Tubemail reports what it does: meters in the application's {@link MeterRegistry} (with
     * Spring Boot Actuator, {@code /actuator/metrics} and {@code /actuator/prometheus} show
     * {@code tubemail.*}) and the live event stream; nowhere without a registry.
     */
    @Bean
    @ConditionalOnMissingBean
    public Monitor tubemailMonitor(Settings settings, ObjectProvider<MeterRegistry> registry) {
        MeterRegistry r = registry.getIfAvailable();
        return r == null ? Monitor.NONE : new MeteredMonitor(r, new EventHub(HttpSettings.from(settings, false).eventBuffer()));
    }

    /**
     * The relay: the smarthost {@code tubemail.relay.host}, else the maildir {@code tubemail.relay.outbox}, under the
     * limit of automatic replies ({@code tubemail.reply.auto.*}), counted beside the state storage.
     */
    @Bean
    @ConditionalOnMissingBean
    public Relay tubemailRelay(Settings settings, Monitor monitor, ObjectProvider<StateStorage> storage) {
        return Relays.guarded(settings, Relays.create(settings, monitor), storage::getObject, monitor);
    }

    /** The router over every bean with {@code @Route} methods. */
    @Bean
    @ConditionalOnMissingBean
    public Router tubemailRouter(Settings settings, StateStorage storage, Monitor monitor, ListableBeanFactory beans) {
        Router.Builder builder = withRouteBeans(TubemailServer.routingSettings(settings, Router.builder()), beans)
                .storage(storage).undeliverable(TubemailServer.undeliverableQueue(settings)).monitor(monitor);
        try {
            return builder.build();
        } catch (HandlerDefinitionException e) {
            throw new ConfigException("Tubemail handler beans: " + e.getMessage(), e);
        }
    }

    /** The receivers, a {@link org.springframework.context.SmartLifecycle}. */
    @Bean
    @ConditionalOnMissingBean({TubemailReceivers.class, TestKit.class})
    public TubemailReceivers tubemailReceivers(Settings settings, Router router) {
        TubemailServer.receiverSettings(settings);
        return new TubemailReceivers(settings, router);
    }

    /** Adds every bean with {@code @Route} methods to {@code builder}; there must be one at least. */
    public static Router.Builder withRouteBeans(Router.Builder builder, ListableBeanFactory beans) {
        List<Object> handlers = RouteBeans.find(beans);
        if (handlers.isEmpty()) {
            throw new ConfigException("Tubemail: no handler: no bean has a method with @Route or @RouteLike");
        }
        return builder.handlers(handlers.toArray());
    }
}
