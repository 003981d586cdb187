/** Used when neither the options nor the connection string name a database. */
export const DEFAULT_DATABASE = 'commerce';

/**
 * The database named in a mongodb:// or mongodb+srv:// connection string's
 * path, if any. (The driver would fall back to `test`; this store wants its own default.)
 */
export function databaseFromUrl(url: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]*)/i.exec(url.trim());
  const path = match?.[1];
  if (!path) return undefined;
  try {
    return decodeURIComponent(path);
  } catch {
    throw new RangeError(`Bad database name in the MongoDB connection string: ${path}`);
  }
}
