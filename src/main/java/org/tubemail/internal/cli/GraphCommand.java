package org.tubemail.internal.cli;

import org.tubemail.internal.app.Inspection;
import org.tubemail.internal.routing.HandlerModule;
import org.tubemail.internal.routing.StateGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.OptionalLong;

/** Prints handler modules' state machines as Mermaid diagrams, read from the handlers' code. */
@Command(name = "graph", mixinStandardHelpOptions = true,
        description = "Print each stateful handler module's state machine as a Mermaid state diagram (routes on the arrows).")
final class GraphCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    TubemailCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODULE", description = "only this module (its name, or its class's simple name)")
    String module;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        OptionalLong running = new RunFiles(cli.home()).running().map(p -> OptionalLong.of(p.pid())).orElse(OptionalLong.empty());
        try (Inspection inspection = Inspection.of(cli.settings(), running)) {
            List<HandlerModule> modules = inspection.router().modules().stream()
                    .filter(m -> module == null ? !m.states().isEmpty() : named(m, module)).toList();
            if (modules.isEmpty()) {
                spec.commandLine().getErr().println(module == null ? "tubemail graph: no module has states"
                        : "tubemail graph: no module named '" + module + "'; modules: "
                        + inspection.router().modules().stream().map(HandlerModule::name).toList());
                return 1;
            }
            for (HandlerModule m : modules) {
                out.println("%% " + m.name());
                out.print(StateGraph.of(m).mermaid());
            }
            return 0;
        }
    }

    private static boolean named(HandlerModule m, String name) {
        return m.name().equals(name) || m.instance().getClass().getSimpleName().equals(name);
    }
}
