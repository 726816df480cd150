package org.tubemail.internal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.tubemail.internal.app.Assembly;
import org.tubemail.internal.app.Inspection;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.routing.StateMethod;
import org.tubemail.internal.server.RecipientPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Prints the routing table, or which methods an address reaches: from the running server's API
 * (its live states); when no server answers, from a router built from the settings (see
 * {@link Inspection}), which says what it cannot show.
 */
@Command(name = "routes", mixinStandardHelpOptions = true,
        description = "Print the routing table; with ADDRESS, which state methods it reaches and whether they would run now.")
final class RoutesCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    TubemailCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ADDRESS")
    String address;

    @Option(names = "--sender", defaultValue = "someone@example.org", description = "Sender whose state is used (default ${DEFAULT-VALUE}).")
    String sender;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Settings settings = cli.settings();
        OptionalLong running = new RunFiles(cli.home()).running().map(p -> OptionalLong.of(p.pid())).orElse(OptionalLong.empty());
        if (running.isPresent()) {
            Optional<Integer> live = fromServer(out, new ApiClient(settings));
            if (live.isPresent()) {
                return live.get();
            }
        }
        try (Inspection inspection = Inspection.of(settings, running)) {
            inspection.notes().forEach(n -> out.println("(" + n + ")"));
            Router router = inspection.router();
            if (address == null) {
                for (StateMethod m : router.routes()) {
                    out.println(String.format("%-45s %-12s %s%s", m.route().source(), m.isStateless() ? "(stateless)" : m.state(),
                            m.qualifiedName(), m.isNoLocking() ? " [no locking]" : ""));
                }
                return 0;
            }
            if (refused(out, inspection.rcpt(address))) {
                return 1;
            }
            router.explain(address, sender).forEach(c -> out.println(c.toString()));
            return 0;
        }
    }

    /** Prints what the server answers at RCPT; true when it refuses the address. */
    private boolean refused(PrintWriter out, RecipientPolicy.Refusal refusal) {
        if (refusal == null) {
            out.println("RCPT TO:<" + address + ">: the server answers 250 2.1.5, and routes it to:");
            return false;
        }
        String answer = "RCPT TO:<" + address + ">: the server answers " + refusal.code() + " " + refusal.text();
        out.println(refusal.text().startsWith("5.1.1") ? "no route matches <" + address + ">; " + answer : answer);
        return true;
    }

    /** Answers from the running server; empty when none answers. */
    private Optional<Integer> fromServer(PrintWriter out, ApiClient api) {
        if (address == null) {
            return api.get("/api/routes").map(r -> {
                for (JsonNode m : r.path("routes")) {
                    out.println(String.format("%-45s %-12s %s%s", m.path("route").asText(),
                            m.path("stateless").asBoolean() ? "(stateless)" : m.path("state").asText(), m.path("method").asText(),
                            m.path("noLocking").asBoolean() ? " [no locking]" : ""));
                }
                return 0;
            });
        }
        return api.get("/api/routes/explain?address=" + ApiClient.encode(address) + "&sender=" + ApiClient.encode(sender)).map(r -> {
            RecipientPolicy policy = new RecipientPolicy(new Assembly(cli.settings()).receiverSettings().acceptedDomains(),
                    a -> !r.path("matches").isEmpty());
            if (refused(out, policy.check(RecipientPolicy.normalise(address)))) {
                return 1;
            }
            for (JsonNode m : r.path("matches")) {
                boolean runs = m.path("wouldRun").asBoolean();
                out.println(String.format("%-40s %-10s %s state=%s key=%s %s", m.path("route").asText(),
                        m.path("state").asText().isEmpty() ? "(stateless)" : m.path("state").asText(), m.path("method").asText(),
                        m.path("currentState").asText(), m.path("stateKey").asText(),
                        runs ? "RUNS" : "(waits for state " + m.path("state").asText() + ")"));
            }
            return 0;
        });
    }
}
