import { describe, expect, it } from 'vitest';
import { parseCsvRecords } from './csv-records.js';

describe('parseCsvRecords', () => {
  it.each([
    { name: 'splits lines and commas', text: 'a,b,c\nd,e\n', want: [['a', 'b', 'c'], ['d', 'e']] },
    { name: 'reads a last line without a newline', text: 'a,b', want: [['a', 'b']] },
    { name: 'skips empty lines', text: '\na\n\n\nb\n', want: [['a'], ['b']] },
    { name: 'treats CRLF as a line end', text: 'a,b\r\nc\r\n', want: [['a', 'b'], ['c']] },
    { name: 'keeps leading and trailing spaces', text: ' a , b ', want: [[' a ', ' b ']] },
    { name: 'keeps a line of spaces as one field', text: '  \n', want: [['  ']] },
    { name: 'reads empty fields, including a trailing one', text: 'a,,b,', want: [['a', '', 'b', '']] },
    { name: 'reads a quoted field with commas', text: 't,u,1,"g1,g2"', want: [['t', 'u', '1', 'g1,g2']] },
    { name: 'unescapes doubled quotes', text: '"say ""hi""",x', want: [['say "hi"', 'x']] },
    { name: 'reads an empty quoted field', text: '"",x', want: [['', 'x']] },
    { name: 'reads a quoted field followed by a trailing comma', text: '"a",', want: [['a', '']] },
    { name: 'reads a quoted field that spans lines', text: '"a\nb",c\r\nd', want: [['a\nb', 'c'], ['d']] },
  ])('$name', ({ text, want }) => {
    expect(parseCsvRecords(text)).toEqual(want);
  });

  it.each([
    { name: 'rejects a bare quote in an unquoted field', text: 'ok\nab"c,d', error: 'parse error on line 2, column 3: bare " in non-quoted-field' },
    { name: 'rejects text after a closing quote', text: '"a"b,c', error: 'parse error on line 1, column 4: extraneous or missing " in quoted-field' },
    { name: 'rejects an unterminated quoted field', text: '"abc\ndef', error: /extraneous or missing " in quoted-field/ },
  ])('$name', ({ text, error }) => {
    expect(() => parseCsvRecords(text)).toThrow(error);
  });
});
