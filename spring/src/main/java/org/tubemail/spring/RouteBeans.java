package org.tubemail.spring;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.util.ClassUtils;
import org.tubemail.routing.Route;
import org.tubemail.routing.RouteLike;
import org.tubemail.routing.Routes;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the handler modules among the beans: every bean whose class has a method carrying
 * {@link Route} or {@link RouteLike}, in {@code @Order} order, else in registration order.
 */
final class RouteBeans {

    private RouteBeans() {
    }

    static List<Object> find(ListableBeanFactory beans) {
        List<Object> handlers = new ArrayList<>();
        for (String name : beans.getBeanDefinitionNames()) {
            Class<?> type = beans.getType(name, false);
            if (type != null && isHandler(ClassUtils.getUserClass(type))) {
                handlers.add(beans.getBean(name));
            }
        }
        AnnotationAwareOrderComparator.sort(handlers);
        return handlers;
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
