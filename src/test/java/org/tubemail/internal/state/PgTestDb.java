package org.tubemail.internal.state;

import java.time.Duration;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The test database, from TUBEMAIL_PG_URL, TUBEMAIL_PG_USER and TUBEMAIL_PG_PASSWORD (written by
 * {@code .ci/postgres.sh start DIR} into DIR/env). Without them the PostgreSQL tests are skipped.
 */
public final class PgTestDb {

    public static final String URL = System.getenv("TUBEMAIL_PG_URL");
    public static final String USER = System.getenv("TUBEMAIL_PG_USER");
    public static final String PASSWORD = System.getenv("TUBEMAIL_PG_PASSWORD");

    private PgTestDb() {
    }

    /** Skips the calling test class or test when no test database is configured. */
    public static void assumeConfigured() {
        assumeTrue(URL != null && !URL.isBlank(), "no PostgreSQL test database: set TUBEMAIL_PG_URL, TUBEMAIL_PG_USER"
                + " and TUBEMAIL_PG_PASSWORD (e.g. `.ci/postgres.sh start /tmp/pg && . /tmp/pg/env`)");
    }

    /** A new storage on the test database, with a short connection timeout. */
    public static PostgresStorage open() {
        return new PostgresStorage(URL, USER, PASSWORD, 4, Duration.ofSeconds(2));
    }
}
