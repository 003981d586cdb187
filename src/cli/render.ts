/** Output of the command line: tables and text for people, JSON with --json. */

export interface Output {
  readonly json: boolean;
}

export const writeOut = (text: string): void => void process.stdout.write(`${text}\n`);
export const writeErr = (text: string): void => void process.stderr.write(`${text}\n`);

export const printJson = (value: unknown): void => writeOut(JSON.stringify(value, null, 2));

/** Columns padded to their widest cell; the last column is not padded. */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [headers, ...rows.map((row) => row.map(cell))];
  const widths = headers.map((_, column) =>
    Math.max(...cells.map((row) => width(row[column] ?? ''))),
  );
  return cells
    .map((row) =>
      row
        .map((value, column) =>
          column === row.length - 1 ? value : pad(value, widths[column] ?? 0),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const cell = (value: unknown): string =>
  value === null || value === undefined
    ? '-'
    : typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value);

/** Display width: wide (CJK) characters take two columns. */
function width(text: string): number {
  let columns = 0;
  for (const char of text)
    columns +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
        char,
      )
        ? 2
        : 1;
  return columns;
}

const pad = (text: string, to: number): string => text + ' '.repeat(Math.max(0, to - width(text)));

/** At most `max` display columns, with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (width(text) <= max) return text;
  let out = '';
  for (const char of text) {
    if (width(out + char) > max - 1) break;
    out += char;
  }
  return `${out}…`;
}
