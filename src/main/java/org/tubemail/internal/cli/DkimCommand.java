package org.tubemail.internal.cli;

import org.tubemail.internal.dkim.DkimKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.concurrent.Callable;

/** DKIM keys for the relay: {@code dkim keygen DOMAIN SELECTOR}. */
@Command(name = "dkim", mixinStandardHelpOptions = true, description = "DKIM signing keys for outgoing mail.",
        subcommands = DkimCommand.Keygen.class)
final class DkimCommand {

    @ParentCommand
    TubemailCli cli;

    /** Writes a new key under config/dkim/ (mode 600) and prints the DNS record and the settings to add. */
    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Write a new DKIM key to config/dkim/DOMAIN.SELECTOR.pem (mode 600) and print the DNS TXT record to publish.")
    static final class Keygen implements Callable<Integer> {
        @ParentCommand
        DkimCommand dkim;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", description = "The signing domain (d=), e.g. example.org.")
        String domain;

        @Parameters(index = "1", description = "The selector (s=), e.g. 2026a.")
        String selector;

        @Option(names = "--algorithm", defaultValue = "rsa", description = "rsa (rsa-sha256, read by every verifier) or ed25519 (ed25519-sha256). Default: ${DEFAULT-VALUE}.")
        String algorithm;

        @Option(names = "--bits", defaultValue = "2048", description = "RSA key size, 1024 to 4096. Default: ${DEFAULT-VALUE}.")
        int bits;

        @Override
        public Integer call() throws IOException, GeneralSecurityException {
            PrintWriter out = spec.commandLine().getOut();
            if (!domain.matches("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
                throw new IllegalArgumentException("'" + domain + "' is not a domain name");
            }
            if (!selector.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?")) {
                throw new IllegalArgumentException("'" + selector + "' is not a selector (letters, digits, hyphens)");
            }
            KeyPair pair = generate();
            Path home = dkim.cli.home();
            Path dir = home.resolve("config").resolve("dkim");
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path file = dir.resolve(domain.toLowerCase() + "." + selector + ".pem");
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException e) {
                throw new IllegalArgumentException(home.relativize(file) + " exists already; choose a new selector to rotate keys");
            }
            Files.writeString(file, DkimKeys.toPem(pair.getPrivate()), StandardCharsets.US_ASCII);
            String relative = home.relativize(file).toString();
            out.println("Wrote " + relative + " (" + algorithm + ", mode 600).");
            out.println();
            out.println("Publish this DNS TXT record:");
            out.println(selector + "._domainkey." + domain + ". IN TXT " + quoted(DkimKeys.record(pair.getPublic())));
            out.println();
            out.println("Then add to config/settings.properties:");
            out.println("relay.dkim." + domain + ".selector=" + selector);
            out.println("relay.dkim." + domain + ".key=" + relative);
            return 0;
        }

        private KeyPair generate() throws GeneralSecurityException {
            switch (algorithm.toLowerCase()) {
                case "rsa" -> {
                    if (bits < 1024 || bits > 4096) throw new IllegalArgumentException("--bits " + bits + ": expected 1024 to 4096");
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(bits);
                    return g.generateKeyPair();
                }
                case "ed25519" -> {
                    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                }
                default -> throw new IllegalArgumentException("--algorithm " + algorithm + ": expected rsa or ed25519");
            }
        }

        /** The record as zone files want it: strings of at most 255 characters, each quoted. */
        private static String quoted(String record) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < record.length(); i += 255) {
                if (i > 0) out.append(' ');
                out.append('"').append(record, i, Math.min(record.length(), i + 255)).append('"');
            }
            return out.toString();
        }
    }
}
