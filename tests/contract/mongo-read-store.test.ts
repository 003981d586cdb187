import { databaseFromUrl } from '../../src/stores/mongodb/mongo-connection.js';
import { MongoReadStore } from '../../src/stores/mongodb/mongo-read-store.js';
import { describeReadStoreContract } from './read-store-contract.js';

const url = process.env.MONGODB_URL;

if (url) {
  // One client serves every test (each test works in collections of its own
  // prefix); it is closed once, after the last test. Without a database in the
  // URL the suite keeps out of the default `commerce` database.
  let shared: Promise<MongoReadStore> | undefined;
  afterAll(() =>
    shared?.then(
      (store) => store.close(),
      () => undefined,
    ),
  );
  describeReadStoreContract('MongoDB', {
    open: () =>
      (shared ??= MongoReadStore.connect(url, {
        database: databaseFromUrl(url) ?? 'commerce_contract_tests',
      })),
    dispose: () => Promise.resolve(),
  });
} else {
  process.stderr.write(
    'MongoDB read store contract suite skipped: set MONGODB_URL to run it against a server\n',
  );
  describe.skip('MongoDB read store (MONGODB_URL is not set)', () => {
    describeReadStoreContract('MongoDB', {
      open: () => Promise.reject(new Error('MONGODB_URL is not set')),
    });
  });
}
