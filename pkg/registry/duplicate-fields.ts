/**
 * Finds keys that appear twice in the same JSON object, as kube-apiserver's strict decoder reports them
 * (`duplicate field "spec.replicas"`): JSON.parse keeps the last one silently. The scan assumes `text` is valid JSON
 * (parse it first) and walks it once without building values.
 */
export function duplicateFields(text: string): string[] {
  const found: string[] = [];
  // Stack of containers: for objects, the keys seen and the key being read; for arrays, the current index.
  type Frame = { kind: 'object'; keys: Set<string>; key: string | undefined; path: string } | { kind: 'array'; index: number; path: string };
  const stack: Frame[] = [];
  const childPath = (): string => {
    const top = stack.at(-1);
    if (!top) return '';
    if (top.kind === 'array') return `${top.path}[${top.index}]`;
    return top.path ? `${top.path}.${top.key ?? ''}` : (top.key ?? '');
  };
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      stack.push({ kind: 'object', keys: new Set(), key: undefined, path: childPath() });
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push({ kind: 'array', index: 0, path: childPath() });
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const top = stack.at(-1);
      if (top?.kind === 'array') top.index++;
      else expectKey = true;
    } else if (c === 0x22 /* " */) {
      let j = i + 1;
      let raw = false;
      while (j < text.length && text.charCodeAt(j) !== 0x22) {
        if (text.charCodeAt(j) === 0x5c /* \ */) {
          raw = true;
          j++;
        }
        j++;
      }
      if (expectKey) {
        const top = stack.at(-1);
        const literal = text.slice(i, j + 1);
        const key = raw ? (JSON.parse(literal) as string) : literal.slice(1, -1);
        if (top?.kind === 'object') {
          top.key = key;
          if (top.keys.has(key)) found.push(childPath());
          else top.keys.add(key);
        }
        expectKey = false;
      }
      i = j;
    }
  }
  return found;
}
