package org.tubemail.examples.mailinglist;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Reply texts, rendered from Mustache templates kept next to this class under {@code templates/}. */
final class Templates {

    private final Map<String, Template> cache = new ConcurrentHashMap<>();
    private final Mustache.Compiler compiler = Mustache.compiler().escapeHTML(false).strictSections(false);

    String render(String name, Map<String, ?> values) {
        return cache.computeIfAbsent(name, this::load).execute(values);
    }

    private Template load(String name) {
        String path = "templates/" + name + ".mustache";
        try (InputStream in = Templates.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("template " + path + " is missing from the classpath");
            }
            return compiler.compile(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template " + path, e);
        }
    }
}
