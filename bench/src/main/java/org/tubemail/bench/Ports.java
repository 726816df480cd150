package org.tubemail.bench;

/** Command-line argument access for the bench mains. */
final class Ports {

    private Ports() {
    }

    /** Argument {@code i}, or exits with a usage message naming it. */
    static String arg(String[] args, int i, String name) {
        if (args.length <= i) {
            System.err.println("missing argument " + (i + 1) + ": " + name);
            System.exit(2);
        }
        return args[i];
    }
}
