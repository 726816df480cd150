import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the handler modules the router benchmark loads: for each route count N given on the command
 * line, {@code max(2, N / 50)} modules holding N state methods in all, plus {@code GeneratedRoutes},
 * which builds the handlers and lists one address per route pattern.
 *
 * <p>Each module has one stateful pair ({@code START} on {@code (list)-subscribe@m<j>.(host)},
 * {@code ACTIVE} reusing that route through {@code @RouteLike}, so every message flips the sender's
 * state) and stateless routes of four realistic shapes, each with its own literal so that one address
 * matches exactly one route: {@code list<i>@(host)}, {@code support<i>-(ticket)@(host)},
 * {@code news<i>-(action)@(host)} and {@code (user)+team<i>@(host)}. Method bodies are empty: the
 * benchmark measures the router, not the handlers.
 *
 * <p>Run by the bench build (exec-maven-plugin) as {@code java GenerateRoutes.java OUT_DIR N...}.
 */
public final class GenerateRoutes {

    private static final String PACKAGE = "org.tubemail.bench.generated";

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: java GenerateRoutes.java OUT_DIR ROUTE_COUNT...");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).resolve(PACKAGE.replace('.', '/'));
        Files.createDirectories(dir);
        StringBuilder cases = new StringBuilder();
        for (int a = 1; a < args.length; a++) {
            int routes = Integer.parseInt(args[a]);
            cases.append(writeModules(dir, routes));
        }
        write(dir.resolve("GeneratedRoutes.java"), registry(cases.toString()));
    }

    /** Writes the modules for {@code routes} state methods; returns the registry's switch case for them. */
    private static String writeModules(Path dir, int routes) throws IOException {
        int modules = Math.max(2, routes / 50);
        if (routes < modules * 3) {
            throw new IllegalArgumentException(routes + " routes cannot fill " + modules + " modules (3 methods each at least)");
        }
        List<String> handlers = new ArrayList<>();
        List<String> stateful = new ArrayList<>();
        List<String> stateless = new ArrayList<>();
        int route = 0;
        for (int j = 0; j < modules; j++) {
            int methods = routes / modules + (j < routes % modules ? 1 : 0);
            String cls = "Routes" + routes + "Module" + j;
            StringBuilder body = new StringBuilder();
            body.append("    @Route(value = \"(list)-subscribe@m").append(j).append(".(host)\", where = \"list=[a-z0-9]+\")\n")
                .append("    public String START(String list) {\n        return \"ACTIVE\";\n    }\n\n")
                .append("    @RouteLike(\"START\")\n")
                .append("    public String ACTIVE(String list) {\n        return \"START\";\n    }\n");
            stateful.add("\"team-subscribe@m" + j + ".example.com\"");
            for (int k = 2; k < methods; k++, route++) {
                body.append('\n').append(statelessMethod(route));
                stateless.add(address(route));
            }
            handlers.add("new " + cls + "()");
            write(dir.resolve(cls + ".java"), module(cls, routes, j, body.toString()));
        }
        return "            case " + routes + " -> new GeneratedRoutes(\n"
                + "                    List.of(" + String.join(", ", handlers) + "),\n"
                + "                    List.of(" + String.join(", ", stateful) + "),\n"
                + "                    List.of(" + String.join(",\n                            ", stateless) + "));\n";
    }

    private static String statelessMethod(int i) {
        return switch (i % 4) {
            case 0 -> "    @Stateless\n    @Route(\"list" + i + "@(host)\")\n    public void list" + i + "() {\n    }\n";
            case 1 -> "    @Stateless\n    @Route(value = \"support" + i + "-(ticket)@(host)\", where = \"ticket=[0-9]+\")\n"
                    + "    public void support" + i + "(String ticket) {\n    }\n";
            case 2 -> "    @Stateless\n    @Route(value = \"news" + i + "-(action)@(host)\", where = \"action=subscribe|unsubscribe|confirm\")\n"
                    + "    public void news" + i + "(String action) {\n    }\n";
            default -> "    @Stateless\n    @Route(\"(user)+team" + i + "@(host)\")\n    public void team" + i + "(String user) {\n    }\n";
        };
    }

    private static String address(int i) {
        return switch (i % 4) {
            case 0 -> "\"list" + i + "@example.com\"";
            case 1 -> "\"support" + i + "-" + (1000 + i) + "@example.com\"";
            case 2 -> "\"news" + i + "-confirm@example.com\"";
            default -> "\"alice+team" + i + "@example.com\"";
        };
    }

    private static String module(String cls, int routes, int j, String body) {
        return "package " + PACKAGE + ";\n\n"
                + "import org.tubemail.handler.Handler;\n"
                + "import org.tubemail.handler.Route;\n"
                + "import org.tubemail.handler.RouteLike;\n"
                + "import org.tubemail.handler.Stateless;\n\n"
                + "/** Generated by bench/codegen/GenerateRoutes.java: module " + j + " of the " + routes + "-route set. */\n"
                + "@Handler(\"routes" + routes + ".m" + j + "\")\n"
                + "public final class " + cls + " {\n\n" + body + "}\n";
    }

    private static String registry(String cases) {
        return "package " + PACKAGE + ";\n\n"
                + "import java.util.List;\n\n"
                + "/**\n"
                + " * Generated by bench/codegen/GenerateRoutes.java: the handler modules of each route set, one address\n"
                + " * for each module's stateful route and one for each stateless route.\n"
                + " */\n"
                + "public record GeneratedRoutes(List<Object> handlers, List<String> statefulAddresses,\n"
                + "                              List<String> statelessAddresses) {\n\n"
                + "    /** The route set with {@code routes} state methods. */\n"
                + "    public static GeneratedRoutes of(int routes) {\n"
                + "        return switch (routes) {\n"
                + cases
                + "            default -> throw new IllegalArgumentException(\"no generated route set with \" + routes\n"
                + "                    + \" routes; regenerate with that count in bench/pom.xml\");\n"
                + "        };\n"
                + "    }\n"
                + "}\n";
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
