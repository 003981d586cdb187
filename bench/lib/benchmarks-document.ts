/*
 * BENCHMARKS.md is a header followed by one section per suite, each between
 * `<!-- bench:<name> -->` and `<!-- /bench:<name> -->`, so a run of some suites
 * replaces their sections and keeps the others as they were.
 */

const SECTION = /<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g;

export const wrapSection = (name: string, body: string): string =>
  `<!-- bench:${name} -->\n\n${body.trim()}\n\n<!-- /bench:${name} -->`;

export function readSections(document: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const match of document.matchAll(SECTION)) sections.set(match[1] ?? '', match[0]);
  return sections;
}

/** Sections in suite order; a suite never run gets a placeholder, unknown old sections go last. */
export function assembleDocument(
  header: string,
  suiteOrder: readonly { readonly name: string; readonly title: string }[],
  sections: ReadonlyMap<string, string>,
): string {
  const known = new Set(suiteOrder.map((s) => s.name));
  const parts = suiteOrder.map(
    (s) =>
      sections.get(s.name) ??
      wrapSection(s.name, `## ${s.title}\n\nNot measured yet: \`npm run bench -- ${s.name}\`.`),
  );
  for (const [name, section] of sections) if (!known.has(name)) parts.push(section);
  return `${[header.trim(), ...parts].join('\n\n')}\n`;
}
