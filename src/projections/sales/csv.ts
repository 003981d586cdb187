/**
 * RFC 4180 CSV: a header line of the column names, then one record per row,
 * CRLF after each. A field holding a comma, a double quote, CR or LF is
 * quoted, its quotes doubled. Absent values are empty fields; objects are
 * written as JSON.
 */
export function toCsv<T extends object>(
  rows: readonly T[],
  columns: readonly (keyof T & string)[],
): string {
  const lines = [columns.map(field), ...rows.map((row) => columns.map((c) => field(row[c])))];
  return lines.map((line) => `${line.join(',')}\r\n`).join('');
}

function field(value: unknown): string {
  const text =
    value === undefined || value === null
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
