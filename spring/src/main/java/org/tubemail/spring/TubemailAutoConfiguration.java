package org.tubemail.spring;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.tubemail.handler.Relay;
import org.tubemail.internal.app.Assembly;
import org.tubemail.internal.app.Crypto;
import org.tubemail.internal.app.Relays;
import org.tubemail.internal.app.Resolvers;
import org.tubemail.internal.app.Storages;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.http.HttpSettings;
import org.tubemail.internal.monitor.EventHub;
import org.tubemail.internal.monitor.MeteredMonitor;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.state.StateStorage;
import org.tubemail.testing.TestKit;

import java.util.List;

/**
 * Tubemail in a Spring Boot application: {@link Settings} from {@code tubemail.*}, a
 * {@link StateStorage}, a {@link Relay}, a {@link DnsResolver} and a {@link Router} over every bean
 * with {@code @Route} methods (each replaceable by a bean of your own), put together by the server's
 * own {@link Assembly} (so the {@code handlers}, {@code forward.http.*} and {@code boot.class}
 * settings apply as in the server), and the receivers, started and stopped with the context. In a
 * {@code @TubemailTest} (a {@link TestKit} bean present) no receiver starts.
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

    /** The DNS resolver ({@code tubemail.dns.*}) of the relay, the sender checks and the DNS lists. */
    @Bean
    @ConditionalOnMissingBean
    public DnsResolver tubemailDnsResolver(Settings settings) {
        return Resolvers.create(settings);
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
    public Relay tubemailRelay(Settings settings, Monitor monitor, ObjectProvider<StateStorage> storage, DnsResolver dns) {
        return Relays.guarded(settings, Relays.create(settings, monitor, () -> dns), storage::getObject, monitor);
    }

    /**
     * The server's assembly over the beans: every bean with {@code @Route} methods first, then the
     * handlers of {@code tubemail.handlers}, the webhooks of {@code tubemail.forward.http.*} and
     * {@code tubemail.boot.class}; closes what it built (not the beans) with the context.
     */
    @Bean
    @ConditionalOnMissingBean
    public Assembly tubemailAssembly(Settings settings, StateStorage storage, Relay relay, Monitor monitor, DnsResolver dns,
                                     ListableBeanFactory beans) {
        List<Object> handlers = RouteBeans.find(beans);
        if (handlers.isEmpty() && settings.list("handlers", "").isEmpty()) {
            throw new ConfigException(NO_HANDLER);
        }
        return new Assembly(settings).embedded().withStorage(storage).withRelay(relay).withMonitor(monitor).withResolver(dns)
                .withHandlers(handlers);
    }

    /** The router over every handler of the assembly. */
    @Bean
    @ConditionalOnMissingBean
    public Router tubemailRouter(Assembly assembly) {
        return assembly.router();
    }

    /** The receivers over the router bean (the assembly's, or your own), a {@link org.springframework.context.SmartLifecycle}. */
    @Bean
    @ConditionalOnMissingBean({TubemailReceivers.class, TestKit.class})
    public TubemailReceivers tubemailReceivers(Assembly assembly, Router router) {
        assembly.withRouter(router).receiverSettings();
        return new TubemailReceivers(assembly);
    }

    private static final String NO_HANDLER = "Tubemail: no handler: no bean has a method with @Route or @RouteLike";

    /** Adds every bean with {@code @Route} methods to {@code builder}; there must be one at least. */
    public static Router.Builder withRouteBeans(Router.Builder builder, ListableBeanFactory beans) {
        List<Object> handlers = RouteBeans.find(beans);
        if (handlers.isEmpty()) {
            throw new ConfigException(NO_HANDLER);
        }
        return builder.handlers(handlers.toArray());
    }
}
