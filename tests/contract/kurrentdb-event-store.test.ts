import { KurrentDBEventStore } from '../../src/stores/kurrentdb/kurrentdb-event-store.js';
import { describeEventStoreContract } from './event-store-contract.js';

const url = process.env.EVENTSTORE_URL;

if (url) {
  // One client serves every test (each test writes its own stream category); it
  // is closed once, after the last test.
  let shared: KurrentDBEventStore | undefined;
  afterAll(() => shared?.close());
  describeEventStoreContract('KurrentDB', {
    open: () => Promise.resolve((shared ??= KurrentDBEventStore.connect(url))),
    dispose: () => Promise.resolve(),
  });
} else {
  process.stderr.write(
    'KurrentDB contract suite skipped: set EVENTSTORE_URL to run it against a server\n',
  );
  describe.skip('KurrentDB (EVENTSTORE_URL is not set)', () => {
    describeEventStoreContract('KurrentDB', {
      open: () => Promise.reject(new Error('EVENTSTORE_URL is not set')),
    });
  });
}
