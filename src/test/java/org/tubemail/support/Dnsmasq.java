package org.tubemail.support;

import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.dns.DnsSettings;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real dnsmasq on 127.0.0.1 and a free port, serving only the records a test gives it: no system
 * configuration ({@code --no-resolv --no-hosts --conf-file=/dev/null}), no upstream, and NXDOMAIN
 * for every other name. Records are kept {@link #ttl} seconds by caches (default 300).
 *
 * <pre>{@code
 * try (Dnsmasq dns = Dnsmasq.builder().txt("example.org", "v=spf1 ip4:127.0.0.1 -all").start()) {
 *     DnsResolver resolver = dns.resolver();
 * }
 * }</pre>
 */
public final class Dnsmasq implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private Dnsmasq(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** A new set of records to serve. */
    public static Builder builder() {
        return new Builder();
    }

    /** The server as {@code dns.servers} takes it: {@code 127.0.0.1:PORT}. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** The server's port (UDP and TCP). */
    public int port() {
        return port;
    }

    /** Settings for a resolver that asks only this server, with a time limit of 2 seconds. */
    public DnsSettings settings() {
        return new DnsSettings(List.of(new InetSocketAddress("127.0.0.1", port)), Duration.ofSeconds(2),
                DnsSettings.DEFAULT_CACHE_SIZE);
    }

    /** A resolver that asks only this server. */
    public DnsResolver resolver() {
        return new DnsResolver(settings());
    }

    /** What dnsmasq wrote (start-up lines, errors, and queries when {@link Builder#logQueries()} is on). */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Stops dnsmasq and waits for it to exit. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file; nothing depends on it
        }
    }

    /** Records to serve; {@link #start()} runs the server. */
    public static final class Builder {
        private final List<String> records = new ArrayList<>();
        private final Map<String, List<String>> hosts = new LinkedHashMap<>();
        private int ttl = 300;
        private boolean logQueries;
        private int port;

        private Builder() {}

        /**
         * A TXT record; a value longer than 255 bytes is split into several strings, as DNS requires.
         * dnsmasq's command line separates strings with commas, so the value may not contain one.
         */
        public Builder txt(String name, String value) {
            if (value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.isEmpty()) {
                throw new IllegalArgumentException("TXT value dnsmasq cannot take on its command line: '" + value + "'");
            }
            StringBuilder arg = new StringBuilder("--txt-record=").append(name);
            for (int i = 0; i < value.length(); i += 255) {
                arg.append(',').append(value, i, Math.min(value.length(), i + 255));
            }
            records.add(arg.toString());
            return this;
        }

        /** An MX record. */
        public Builder mx(String domain, String exchanger, int preference) {
            records.add("--mx-host=" + domain + "," + exchanger + "," + preference);
            return this;
        }

        /** An A record. */
        public Builder a(String name, String ipv4) {
            hosts.computeIfAbsent(name, n -> new ArrayList<>()).add(ipv4);
            return this;
        }

        /** An AAAA record. */
        public Builder aaaa(String name, String ipv6) {
            hosts.computeIfAbsent(name, n -> new ArrayList<>()).add(ipv6);
            return this;
        }

        /** The TTL of every record, in seconds (0: resolvers keep nothing). */
        public Builder ttl(int seconds) {
            this.ttl = seconds;
            return this;
        }

        /**
         * Serves on this port rather than a free one: the port of a server just closed, so that a
         * resolver already pointed at it sees changed records.
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Makes dnsmasq log every query to {@link Dnsmasq#log()}. */
        public Builder logQueries() {
            this.logQueries = true;
            return this;
        }

        /** Starts dnsmasq on a free port and waits until it answers. */
        public Dnsmasq start() throws IOException {
            Path program = RealParts.require("dnsmasq", "dnsmasq");
            IOException last = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                int port = this.port > 0 ? this.port : freePort();
                Path log = Files.createTempFile("dnsmasq", ".log");
                Process process = new ProcessBuilder(command(program, port))
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (awaitListening(process, port)) return new Dnsmasq(process, port, log);
                process.destroyForcibly();
                last = new IOException("dnsmasq did not start on port " + port + ": " + Files.readString(log));
                Files.deleteIfExists(log);
            }
            throw last;
        }

        private List<String> command(Path program, int port) {
            List<String> command = new ArrayList<>(List.of(program.toString(), "-k",
                    "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
                    "--listen-address=127.0.0.1", "--bind-interfaces", "--port=" + port,
                    "--local=/#/", "--local-ttl=" + ttl, "--pid-file", "--log-facility=-",
                    "--user=" + System.getProperty("user.name")));
            if (logQueries) command.add("--log-queries");
            command.addAll(records);
            hosts.forEach((name, addresses) -> command.add("--host-record=" + name + "," + String.join(",", addresses)));
            return command;
        }

        private static int freePort() throws IOException {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            for (int i = 0; i < 20; i++) {
                int port;
                try (ServerSocket tcp = new ServerSocket(0, 1, loopback)) {
                    port = tcp.getLocalPort();
                }
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, port))) {
                    return port;
                } catch (IOException taken) {
                    // the UDP port is in use: try another
                }
            }
            throw new IOException("no free port for dnsmasq on 127.0.0.1");
        }

        private static boolean awaitListening(Process process, int port) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) return false;
                try (java.net.Socket probe = new java.net.Socket()) {
                    probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return true;
                } catch (IOException notYet) {
                    sleep();
                }
            }
            return false;
        }

        private static void sleep() throws IOException {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting dnsmasq", e);
            }
        }
    }
}
