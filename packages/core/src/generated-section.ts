// A generated block inside a Markdown file, between `<!-- <name>:start -->` and `<!-- <name>:end -->`.

function markers(name: string) {
  return { start: `<!-- ${name}:start -->`, end: `<!-- ${name}:end -->` };
}

/** The text between the markers (trimmed), or an error naming the missing marker. */
export function readGenerated(doc: string, name: string): string {
  const { start, end } = markers(name);
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`markers ${start} … ${end} not found`);
  return doc.slice(i + start.length, j).trim();
}

/** `doc` with the text between the markers replaced by `body`. */
export function replaceGenerated(doc: string, name: string, body: string): string {
  const { start, end } = markers(name);
  readGenerated(doc, name);
  const i = doc.indexOf(start) + start.length;
  return `${doc.slice(0, i)}\n\n${body}\n\n${doc.slice(doc.indexOf(end))}`;
}
