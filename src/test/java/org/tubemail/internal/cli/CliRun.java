package org.tubemail.internal.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/**
 * One run of the command line in this JVM, as {@code bin/tubemail --home HOME ARGS...}: its exit code
 * and what it printed on standard output and standard error.
 */
record CliRun(int code, String out, String err) {

    static CliRun of(Path home, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = home.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TubemailCli.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }
}
