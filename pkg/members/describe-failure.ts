/**
 * A one-line description of a failed call that is safe to log and to put into a condition: the error's message and
 * code (`connect ECONNREFUSED 127.0.0.1:6443`, `timed out`), never request headers, bodies or TLS material.
 */
export function describeFailure(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
  const cause = (err as { cause?: unknown }).cause;
  const code = (err as { code?: unknown }).code ?? (cause instanceof Error ? (cause as { code?: unknown }).code : undefined);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'timed out';
  const message = err.message === 'fetch failed' && cause instanceof Error ? cause.message : err.message;
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}

/** `401 Unauthorized`, `503 Service Unavailable`: an HTTP status as a message, with the apiserver's reason text. */
export function describeStatus(status: number, body: string): string {
  const text = STATUS_TEXT[status] ?? '';
  let message = '';
  try {
    const parsed = JSON.parse(body) as { kind?: unknown; message?: unknown };
    if (parsed.kind === 'Status' && typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not a Status: the code alone
  }
  const head = text ? `${status} ${text}` : String(status);
  return message ? `${head}: ${message.slice(0, 300)}` : head;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
