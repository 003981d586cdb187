import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { DEFAULT_CACHE_MIB, openReadDatabase } from '../../../src/stores/embedded/read-database.js';

describe("the embedded read store's page cache", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-cache-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cacheKiB = (options?: { cacheMiB?: number }) => {
    const db = openReadDatabase(path.join(dir, 'read-models.sqlite'), options);
    try {
      // Negative: a size in KiB rather than in pages.
      return -Number(db.pragma('cache_size', { simple: true }));
    } finally {
      db.close();
    }
  };

  it('is READ_CACHE_MIB per connection, 512 MiB by default', () => {
    expect(cacheKiB()).toBe(DEFAULT_CACHE_MIB * 1024);
    expect(DEFAULT_CACHE_MIB).toBe(512);
    expect(cacheKiB({ cacheMiB: 8 })).toBe(8 * 1024);
    expect(loadConfig({}).readCacheMiB).toBe(512);
    expect(loadConfig({ READ_CACHE_MIB: '64' }).readCacheMiB).toBe(64);
  });

  it('refuses a size that is not a whole number of at least 2 MiB', () => {
    for (const bad of ['1', '0', '-5', '1.5', 'lots']) {
      expect(() => loadConfig({ READ_CACHE_MIB: bad })).toThrow(ConfigError);
    }
    expect(() => loadConfig({ READ_CACHE_MIB: 'lots' })).toThrow(/READ_CACHE_MIB/);
  });
});
