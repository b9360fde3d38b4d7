package com.encours.hub.support;

/**
 * The PostgreSQL server the integration tests use: 127.0.0.1:5432, database {@code test}, trust auth,
 * unless HUB_TEST_PG_HOST / HUB_TEST_PG_PORT / HUB_TEST_PG_DATABASE / HUB_TEST_PG_USER say otherwise.
 * Tests never assume it is empty: each works in a schema of its own.
 */
public final class TestDatabase {

    private TestDatabase() {
    }

    public static String jdbcUrl(String schema) {
        return "jdbc:postgresql://" + env("HUB_TEST_PG_HOST", "127.0.0.1") + ":" + env("HUB_TEST_PG_PORT", "5432")
                + "/" + env("HUB_TEST_PG_DATABASE", "test") + "?currentSchema=" + schema;
    }

    public static String user() {
        return env("HUB_TEST_PG_USER", "postgres");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
