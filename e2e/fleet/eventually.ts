/**
 * Polls `probe` until it returns a value other than undefined or false, and returns it. On timeout the error names
 * `what`, the last error the probe threw, and `describe()` of the last state (what was expected and what was seen).
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: { readonly timeoutMs?: number; readonly intervalMs?: number; readonly describe?: () => string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const state = options.describe ? `\n${options.describe()}` : '';
      throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${last instanceof Error ? last.message : String(last)})` : ''}${state}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 300));
  }
}
