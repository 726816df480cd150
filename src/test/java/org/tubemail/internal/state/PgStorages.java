package org.tubemail.internal.state;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL state storages for the tests of a store kept beside them ({@code @RegisterExtension}):
 * each test's storages are closed after it, and a test skips when no database is configured.
 */
public final class PgStorages implements AfterEachCallback {

    private final List<PostgresStorage> opened = new ArrayList<>();

    /** A storage on the test database, closed after the test. */
    public PostgresStorage open() {
        PgTestDb.assumeConfigured();
        PostgresStorage storage = PgTestDb.open();
        opened.add(storage);
        return storage;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        opened.forEach(PostgresStorage::close);
        opened.clear();
    }
}
