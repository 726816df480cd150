package org.tubemail.view;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import org.tubemail.mail.MailResponse;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reply templates (Mustache, logic-less), after Salmon's {@code view}: a template {@code NAME} is
 * the file {@code NAME.txt.mustache} (or {@code NAME.mustache}) for the plain-text part and
 * {@code NAME.html.mustache} for the HTML part, in a class path folder or a folder on disk.
 *
 * <pre>{@code
 * Templates views = Templates.fromClassPath(MyHandler.class, "templates");
 * relay.send(views.respond(MailResponse.to(msg.from()).from("list-admin@example.com").subject("Welcome to " + list),
 *         "welcome", Map.of("list", list)));
 * }</pre>
 *
 * <p>In HTML templates {@code {{value}}} is HTML-escaped, so nothing copied from a message can add
 * markup or script ({@code {{{value}}}} inserts it raw, for trusted values only); text templates
 * insert values as they are. A value a template names but is not given is an error, as is a
 * missing template; both name the file. Partials ({@code {{> footer}}}) come from the same folder.
 * Templates are read once and cached. Thread-safe.
 */
public final class Templates {

    private static final String EXT = ".mustache";

    private final TemplateSource source;
    private final Mustache.Compiler text;
    private final Mustache.Compiler html;
    private final Map<String, Optional<Template>> cache = new ConcurrentHashMap<>();

    private Templates(TemplateSource source) {
        this.source = source;
        Mustache.TemplateLoader partials = name -> new StringReader(source.read(name + EXT)
                .orElseThrow(() -> new TemplateException("partial " + source.describe(name + EXT) + " is missing", null)));
        this.text = Mustache.compiler().escapeHTML(false).withLoader(partials);
        this.html = Mustache.compiler().escapeHTML(true).withLoader(partials);
    }

    /** Templates in the class path folder {@code folder} (e.g. {@code com/example/templates}), read with this class's loader. */
    public static Templates fromClassPath(String folder) {
        return new Templates(new TemplateSource.ClassPath(Templates.class.getClassLoader(), trim(folder)));
    }

    /** Templates in {@code folder} relative to {@code anchor}'s package, read with {@code anchor}'s class loader. */
    public static Templates fromClassPath(Class<?> anchor, String folder) {
        String pkg = anchor.getPackageName().replace('.', '/');
        return new Templates(new TemplateSource.ClassPath(anchor.getClassLoader(), pkg + "/" + trim(folder)));
    }

    /** Templates in a folder on disk. */
    public static Templates fromFolder(Path folder) {
        return new Templates(new TemplateSource.Folder(folder));
    }

    private static String trim(String folder) {
        return folder.replaceAll("^/+|/+$", "");
    }

    /**
     * Renders the text template {@code name} ({@code NAME.txt.mustache} or {@code NAME.mustache}).
     *
     * @throws TemplateException when it is missing or a value it names is not given
     */
    public String render(String name, Map<String, ?> values) {
        return textTemplate(name).map(t -> execute(name, t, values))
                .orElseThrow(() -> missing(name));
    }

    /**
     * Fills the body of {@code response} from template {@code name}: its text part from
     * {@code NAME.txt.mustache} (or {@code NAME.mustache}), its HTML part from
     * {@code NAME.html.mustache}; with both, the message is {@code multipart/alternative}.
     *
     * @return {@code response}, to send
     * @throws TemplateException when neither exists, or a value one names is not given
     */
    public MailResponse respond(MailResponse response, String name, Map<String, ?> values) {
        Optional<Template> t = textTemplate(name);
        Optional<Template> h = template(name + ".html" + EXT, html);
        if (t.isEmpty() && h.isEmpty()) {
            throw missing(name);
        }
        t.ifPresent(x -> response.text(execute(name, x, values)));
        h.ifPresent(x -> response.html(execute(name + ".html", x, values)));
        return response;
    }

    private Optional<Template> textTemplate(String name) {
        Optional<Template> t = template(name + ".txt" + EXT, text);
        return t.isPresent() ? t : template(name + EXT, text);
    }

    private Optional<Template> template(String fileName, Mustache.Compiler compiler) {
        return cache.computeIfAbsent(fileName, f -> source.read(f).map(body -> {
            try {
                return compiler.compile(body);
            } catch (MustacheException e) {
                throw new TemplateException("template " + source.describe(f) + " does not compile: " + e.getMessage(), e);
            }
        }));
    }

    private String execute(String name, Template t, Map<String, ?> values) {
        try {
            return t.execute(values);
        } catch (MustacheException e) {
            throw new TemplateException("template " + name + " (" + source.describe(name + EXT) + ") failed: " + e.getMessage(), e);
        }
    }

    private TemplateException missing(String name) {
        return new TemplateException("no template " + name + ": looked for " + source.describe(name + ".txt" + EXT)
                + ", " + source.describe(name + EXT) + " and " + source.describe(name + ".html" + EXT), null);
    }
}
