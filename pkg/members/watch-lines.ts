/**
 * The events of a watch response body, one JSON text per line as kube-apiserver streams them, whatever the chunking.
 * Blank lines are skipped.
 */
export async function* watchLines(body: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<string> {
  // A character may be split between chunks: decode as a stream.
  const decoder = new TextDecoder('utf-8');
  let buffered = '';
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.trim()) yield line;
    }
  }
}
