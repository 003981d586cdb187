import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A secret generated once and kept in the data directory (mode 0600), so
 * tokens stay valid across restarts and processes sharing the directory.
 * Creation is atomic: concurrent first starts agree on one value.
 */
export function localSecret(
  dataDir: string,
  name: string,
  make = () => randomBytes(48).toString('base64url'),
): { value: string; created: boolean } {
  const file = path.join(dataDir, name);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, make(), { flag: 'wx', mode: 0o600 });
    return { value: fs.readFileSync(file, 'utf8').trim(), created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { value: fs.readFileSync(file, 'utf8').trim(), created: false };
  }
}
