package org.tubemail.spring;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.util.ClassUtils;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.handler.Routes;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the handler modules among the beans: every bean whose class has a method carrying
 * {@link Route} or {@link RouteLike}, in {@code @Order} order, else in registration order.
 */
final class RouteBeans {

    private RouteBeans() {
    }

    static List<Object> find(ListableBeanFactory beans) {
        List<String> names = new ArrayList<>();
        for (String name : beans.getBeanDefinitionNames()) {
            Class<?> type = beans.getType(name, false);
            if (type != null && isHandler(ClassUtils.getUserClass(type))) {
                names.add(name);
            }
        }
        // A stable sort: beans of equal order keep their registration order.
        names.sort(Comparator.comparingInt(name -> order(beans, name)));
        return names.stream().map(beans::getBean).toList();
    }

    /** The bean's order: {@link Ordered}, else {@code @Order} on its class or its {@code @Bean} method, else last. */
    private static int order(ListableBeanFactory beans, String name) {
        if (Ordered.class.isAssignableFrom(beans.getType(name, false))) {
            return ((Ordered) beans.getBean(name)).getOrder();
        }
        Order order = beans.findAnnotationOnBean(name, Order.class, false);
        return order != null ? order.value() : Ordered.LOWEST_PRECEDENCE;
    }

    /** True when {@code type} has a method with a route. */
    static boolean isHandler(Class<?> type) {
        for (Method m : type.getMethods()) {
            if (m.isAnnotationPresent(Route.class) || m.isAnnotationPresent(Routes.class) || m.isAnnotationPresent(RouteLike.class)) {
                return true;
            }
        }
        return false;
    }
}
