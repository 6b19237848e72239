import { describe, expect, it } from 'vitest';
import { duplicateFields } from './duplicate-fields.js';

describe('duplicateFields', () => {
  it.each([
    ['no duplicates', '{"a":1,"b":{"a":2}}', []],
    ['a duplicate at the root', '{"a":1,"a":2}', ['a']],
    ['a nested duplicate', '{"spec":{"replicas":1,"replicas":2}}', ['spec.replicas']],
    ['a duplicate inside a list element', '{"spec":{"items":[{"x":1},{"x":1,"x":2}]}}', ['spec.items[1].x']],
    ['keys equal only after unescaping', '{"a":1,"\\u0061":2}', ['a']],
    ['strings that look like keys inside values', '{"a":"{\\"a\\":1,\\"a\\":2}","b":[",",{"c":1}]}', []],
    ['several duplicates, in document order', '{"m":{"x":1,"x":2},"k":1,"k":2}', ['m.x', 'k']],
  ])('reports %s', (_, text, expected) => {
    expect(duplicateFields(text)).toEqual(expected);
  });
});
