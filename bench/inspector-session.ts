import { WebSocket, fetch } from 'undici';

interface Reply {
  readonly id?: number;
  readonly result?: unknown;
  readonly error?: { readonly message: string };
}

const CALL_TIMEOUT_MS = 60_000;

/**
 * A Chrome DevTools Protocol session with a Node process started with `--inspect=127.0.0.1:<port>`: lets the bench
 * force a full garbage collection in Herd and read its memory, from outside and without anything in the product.
 * Close it when done: a process with a debugger attached waits for it to detach before it exits.
 */
export class InspectorSession {
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener('message', (event) => {
      const reply = JSON.parse(String(event.data)) as Reply;
      const waiter = reply.id !== undefined ? this.pending.get(reply.id) : undefined;
      if (!waiter || reply.id === undefined) return;
      this.pending.delete(reply.id);
      clearTimeout(waiter.timer);
      if (reply.error) waiter.reject(new Error(`inspector: ${reply.error.message}`));
      else waiter.resolve(reply.result);
    });
    ws.addEventListener('close', () => {
      for (const [id, w] of this.pending) {
        clearTimeout(w.timer);
        w.reject(new Error('inspector: the session closed'));
        this.pending.delete(id);
      }
    });
  }

  /** Attaches to the first target the inspector on 127.0.0.1:`port` lists (a Node process has one). */
  static async open(port: number): Promise<InspectorSession> {
    const res = await fetch(`http://127.0.0.1:${port}/json/list`);
    if (!res.ok) throw new Error(`inspector at 127.0.0.1:${port}: HTTP ${res.status}`);
    const targets = (await res.json()) as { webSocketDebuggerUrl?: string }[];
    const url = targets[0]?.webSocketDebuggerUrl;
    if (!url) throw new Error(`inspector at 127.0.0.1:${port} lists no target (is a debugger already attached?)`);
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', () => resolve(), { once: true });
      ws.addEventListener('error', () => reject(new Error(`inspector: cannot connect to ${url}`)), { once: true });
    });
    return new InspectorSession(ws);
  }

  call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`inspector: ${method} got no answer within ${CALL_TIMEOUT_MS / 1000} s`));
      }, CALL_TIMEOUT_MS);
      this.pending.set(id, { resolve: (v) => resolve(v as T), reject, timer });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** The value of a JavaScript expression evaluated in the process's main context, as JSON. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.call<{ result?: { value?: unknown }; exceptionDetails?: { text?: string } }>('Runtime.evaluate', {
      expression: `JSON.stringify(${expression})`,
      returnByValue: true,
    });
    if (r.exceptionDetails || typeof r.result?.value !== 'string') throw new Error(`inspector: ${expression} failed: ${r.exceptionDetails?.text ?? 'no value'}`);
    return JSON.parse(r.result.value) as T;
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.addEventListener('close', () => resolve(), { once: true });
      this.ws.close();
    });
  }
}
