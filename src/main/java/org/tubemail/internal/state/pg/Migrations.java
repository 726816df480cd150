package org.tubemail.internal.state.pg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brings the database schema up to date from the scripts {@code db/migration/V<n>__<what>.sql} on the
 * class path, listed in order in {@code db/migration/index.txt}. Applied versions are recorded in
 * {@code tubemail_schema_version}. The whole run is one transaction behind an advisory lock, so
 * servers starting together migrate once, and a failed script leaves the schema as it was.
 */
public final class Migrations {

    private static final String DIR = "db/migration/";
    private static final Pattern NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");
    /** Advisory lock id for migrations: "tubemail" in ASCII. */
    private static final long LOCK = 0x7475_6265_6d61_696cL;

    /** One script. */
    record Migration(int version, String description, String sql) {
    }

    private Migrations() {
    }

    /**
     * Applies every script newer than the database's version.
     *
     * @return the versions applied now (empty when the schema was current)
     * @throws SQLException          when the database fails; nothing is applied then
     * @throws IllegalStateException when the database's schema is newer than this code knows
     */
    public static List<Integer> migrate(Connection c) throws SQLException {
        List<Migration> all = load();
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            st.execute("CREATE TABLE IF NOT EXISTS tubemail_schema_version (version int PRIMARY KEY,"
                    + " description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            int current;
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM tubemail_schema_version")) {
                rs.next();
                current = rs.getInt(1);
            }
            if (current > all.size()) {
                throw new IllegalStateException("the database schema is at version " + current
                        + ", newer than this Tubemail knows (" + all.size() + "): upgrade Tubemail");
            }
            List<Integer> applied = new ArrayList<>();
            for (Migration m : all.subList(current, all.size())) {
                st.execute(m.sql());
                try (PreparedStatement ins = c.prepareStatement(
                        "INSERT INTO tubemail_schema_version (version, description) VALUES (?, ?)")) {
                    ins.setInt(1, m.version());
                    ins.setString(2, m.description());
                    ins.executeUpdate();
                }
                applied.add(m.version());
            }
            c.commit();
            return applied;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** The scripts in {@code index.txt}, checked to be numbered 1, 2, 3 ... in order. */
    static List<Migration> load() {
        List<Migration> out = new ArrayList<>();
        for (String name : resource(DIR + "index.txt").split("\\R")) {
            if (name.isBlank()) {
                continue;
            }
            Matcher m = NAME.matcher(name.strip());
            int expected = out.size() + 1;
            if (!m.matches() || Integer.parseInt(m.group(1)) != expected) {
                throw new IllegalStateException(DIR + "index.txt: line " + expected + " is '" + name
                        + "', expected V" + expected + "__<description>.sql");
            }
            out.add(new Migration(expected, m.group(2), resource(DIR + name.strip())));
        }
        return out;
    }

    private static String resource(String path) {
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("migration resource " + path + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration resource " + path + ": " + e.getMessage(), e);
        }
    }
}
