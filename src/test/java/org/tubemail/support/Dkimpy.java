package org.tubemail.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * dkimpy (Debian {@code python3-dkim}), the independent DKIM verifier and signer of the tests, run
 * through {@code src/test/resources/dkim/dkimpy.py} with keys fetched from a test's {@link Dnsmasq}.
 */
public final class Dkimpy {
    private Dkimpy() {}

    /** What the verifier said. */
    public record Result(int exitCode, String output) {
        public boolean passed() {
            return exitCode == 0;
        }
    }

    /** Verifies every signature of {@code message}, with keys from {@code dns}. */
    public static Result verify(byte[] message, Dnsmasq dns) throws IOException {
        return run(message, "verify", String.valueOf(dns.port()));
    }

    /**
     * {@code message} signed by dkimpy ({@code algorithm} rsa-sha256 or ed25519-sha256) with the key in
     * {@code keyFile}: c=relaxed/simple, or with {@code simple} c=simple/simple and a body length ({@code l=}).
     */
    public static byte[] sign(byte[] message, String domain, String selector, String algorithm, Path keyFile, boolean simple)
            throws IOException {
        Result r = run(message, "sign", domain, selector, algorithm, keyFile.toString(), simple ? "simple" : "relaxed");
        if (!r.passed()) throw new IOException("dkimpy could not sign: " + r.output());
        return r.output().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static Result run(byte[] message, String... args) throws IOException {
        RealParts.require("dkimverify", "python3-dkim");
        Path script = Files.createTempFile("dkimpy", ".py");
        try (InputStream in = Dkimpy.class.getResourceAsStream("/dkim/dkimpy.py")) {
            Files.write(script, in.readAllBytes());
        }
        List<String> command = new ArrayList<>(List.of(python(), script.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().write(message);
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("dkimpy did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(script);
        }
        return new Result(p.exitValue(), new String(out, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /** The Debian Python that has python3-dkim (not a user's own Python earlier on the PATH). */
    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }
}
