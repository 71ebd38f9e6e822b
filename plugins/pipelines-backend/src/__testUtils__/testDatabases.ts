import { DatabaseService } from '@backstage/backend-plugin-api';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';

/**
 * The databases every store test runs on. The test command sets
 * TRIBUTARY_REQUIRE_POSTGRES so that a missing PostgreSQL fails instead of
 * silently shrinking the matrix to SQLite.
 */
export function createStoreTestDatabases(): {
  databases: TestDatabases;
  ids: TestDatabaseId[];
} {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
  });
  const ids = databases.eachSupportedId().map(([id]) => id);
  if (process.env.TRIBUTARY_REQUIRE_POSTGRES && !ids.includes('POSTGRES_15')) {
    throw new Error(
      'TRIBUTARY_REQUIRE_POSTGRES is set but PostgreSQL 15 is not available; set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
    );
  }
  return { databases, ids };
}

export function databaseServiceFor(knex: Knex): DatabaseService {
  return { getClient: async () => knex, migrations: { skip: false } };
}
