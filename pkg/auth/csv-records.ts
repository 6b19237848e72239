// CSV records as Go's encoding/csv Reader produces them with its defaults (comma separator, no comment character,
// strict quotes, variable field counts): `""` escapes a quote inside a quoted field, quoted fields may span lines,
// `\r\n` counts as `\n`, empty lines are skipped and leading spaces are kept.

export class CsvParseError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    detail: string,
  ) {
    super(`parse error on line ${line}, column ${column}: ${detail}`);
    this.name = 'CsvParseError';
  }
}

const BARE_QUOTE = 'bare " in non-quoted-field';
const EXTRANEOUS_QUOTE = 'extraneous or missing " in quoted-field';

/** Parses `text` into records of fields. Throws CsvParseError on a stray or unterminated quote. */
export function parseCsvRecords(text: string): string[][] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const records: string[][] = [];
  let index = 0;
  while (index < lines.length) {
    const startLine = index + 1;
    let line = lines[index++]!;
    if (line === '') continue;
    const fields: string[] = [];
    let pos = 0;
    for (;;) {
      if (line[pos] !== '"') {
        const comma = line.indexOf(',', pos);
        const field = comma < 0 ? line.slice(pos) : line.slice(pos, comma);
        const quote = field.indexOf('"');
        if (quote >= 0) throw new CsvParseError(startLine, [...line.slice(0, pos + quote)].length + 1, BARE_QUOTE);
        fields.push(field);
        if (comma < 0) break;
        pos = comma + 1;
        continue;
      }
      // Quoted field: may continue over following lines.
      let value = '';
      pos++;
      for (;;) {
        const quote = line.indexOf('"', pos);
        if (quote < 0) {
          value += `${line.slice(pos)}\n`;
          if (index >= lines.length) throw new CsvParseError(index, [...line].length + 1, EXTRANEOUS_QUOTE);
          line = lines[index++]!;
          pos = 0;
          continue;
        }
        value += line.slice(pos, quote);
        const next = line[quote + 1];
        if (next === '"') {
          value += '"';
          pos = quote + 2;
        } else if (next === ',' || next === undefined) {
          pos = quote + 1;
          break;
        } else {
          throw new CsvParseError(index, [...line.slice(0, quote + 1)].length + 1, EXTRANEOUS_QUOTE);
        }
      }
      fields.push(value);
      if (line[pos] === undefined) break;
      pos++; // the comma
      if (pos === line.length) {
        fields.push('');
        break;
      }
    }
    records.push(fields);
  }
  return records;
}
