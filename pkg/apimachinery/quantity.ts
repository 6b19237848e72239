// Kubernetes resource quantities (`500m`, `2Gi`, `1e3`) as plain numbers, the way a scheduler reads them: cpu in
// cores, memory in bytes. Accepts what apimachinery's resource.ParseQuantity accepts; precision past a float64 is
// not kept (no quantity Herd compares needs it).

const DECIMAL_EXPONENTS: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXPONENTS: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

// A signed decimal number, then one optional suffix: binary (Ki..Ei), decimal SI (n..E) or an integer exponent.
const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:([KMGTPE]i)|([numkMGTPE])|[eE]([+-]?[0-9]+))?$/;

/** Parses a quantity; a number is taken as it is. Throws an Error naming the text when it is not a quantity. */
export function parseQuantity(text: string | number): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text)) throw new Error(`invalid quantity ${String(text)}`);
    return text;
  }
  const m = QUANTITY.exec(text);
  if (m === null) throw new Error(`invalid quantity ${JSON.stringify(text)}`);
  const [, digits, binary, decimal, exponent] = m;
  if (binary !== undefined) return Number(digits) * 2 ** (BINARY_EXPONENTS[binary] ?? 0);
  const power = exponent !== undefined ? Number(exponent) : (DECIMAL_EXPONENTS[decimal ?? ''] ?? 0);
  // Scaling in the decimal text (`5e-1`) rounds once, where multiplying by 10 ** power could round twice.
  const value = Number(`${digits}e${power}`);
  if (!Number.isFinite(value)) throw new Error(`invalid quantity ${JSON.stringify(text)}`);
  return value;
}
