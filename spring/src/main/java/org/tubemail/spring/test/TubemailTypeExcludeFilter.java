package org.tubemail.spring.test;

import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.handler.Routes;

/** In a {@link TubemailTest}, component scanning finds only classes with {@code @Route} methods. */
public final class TubemailTypeExcludeFilter extends TypeExcludeFilter {

    @Override
    public boolean match(MetadataReader reader, MetadataReaderFactory factory) {
        AnnotationMetadata m = reader.getAnnotationMetadata();
        return !(m.hasAnnotatedMethods(Route.class.getName()) || m.hasAnnotatedMethods(Routes.class.getName())
                || m.hasAnnotatedMethods(RouteLike.class.getName()));
    }

    @Override
    public boolean equals(Object other) {
        return other != null && other.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }
}
