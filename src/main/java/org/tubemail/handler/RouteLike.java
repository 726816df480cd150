package org.tubemail.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a state method the same route as another method, instead of repeating it:
 * {@code @RouteLike("START")} reuses the route of the method whose state is {@code START} in the
 * same class, {@code @RouteLike(value = "START", module = Other.class)} one of another class.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RouteLike {

    /** The state name (by default the method name) of the method whose route is reused. */
    String value();

    /** The class holding that method; {@code void.class} means this one. */
    Class<?> module() default void.class;
}
