/**
 * Rows of kubectl's table output (`kubectl get` without `-o`), keyed by column header. Cells are cut at the columns'
 * start offsets in the header line, so cells with spaces (`RESTARTS: 1 (5m ago)`) stay whole.
 */
export function parseTable(text: string): { readonly columns: readonly string[]; readonly rows: readonly Record<string, string>[] } {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0];
  if (header === undefined) return { columns: [], rows: [] };
  const starts: { name: string; at: number }[] = [];
  for (const m of header.matchAll(/\S+/g)) starts.push({ name: m[0], at: m.index });
  const rows = lines.slice(1).map((line) => {
    const row: Record<string, string> = {};
    starts.forEach((col, i) => {
      const end = starts[i + 1]?.at ?? line.length;
      row[col.name] = line.slice(col.at, end).trim();
    });
    return row;
  });
  return { columns: starts.map((s) => s.name), rows };
}
