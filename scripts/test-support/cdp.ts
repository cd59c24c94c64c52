// A small client of the Chrome DevTools Protocol over the pipe of `launchChromium(…, { pipe: true })`:
// messages are JSON, each ended by a NUL byte. Enough to open a page, evaluate in it, wait for a condition
// and take a screenshot — how the site test presses a lesson's Run button like a reader would.
import type { Chromium } from './chromium';

/** A page (target) attached with a flat session. */
export interface CdpPage {
  /** Sends a command in the page's session. */
  send<T = Record<string, unknown>>(method: string, params?: Record<string, unknown>): Promise<T>;
  /** Evaluates `expression` in the page (awaiting a promise) and returns its JSON value; throws on exceptions. */
  evaluate<T = unknown>(expression: string): Promise<T>;
  /** Polls `expression` until it is truthy; rejects after `timeoutMs` with `what` and the last value. */
  waitFor<T = unknown>(expression: string, what: string, timeoutMs: number): Promise<T>;
  /** Messages the page logged to its console and uncaught exceptions, newest last. */
  console: string[];
}

/** The browser-level connection. */
export interface Cdp {
  send<T = Record<string, unknown>>(
    method: string,
    params?: Record<string, unknown>,
    sessionId?: string,
  ): Promise<T>;
  /** Opens `url` in a new tab and attaches to it. */
  open(url: string): Promise<CdpPage>;
}

/** Connects to a Chromium launched with `pipe: true`. */
export function connectCdp(browser: Chromium): Cdp {
  const pipe = browser.devtools;
  if (!pipe) throw new Error('connectCdp: launch Chromium with { pipe: true }');
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; method: string }>();
  const listeners = new Map<string, (method: string, params: Record<string, unknown>) => void>();
  let buffer = '';
  pipe.output.setEncoding('utf8');
  pipe.output.on('data', (chunk: string) => {
    buffer += chunk;
    let end = buffer.indexOf('\0');
    while (end >= 0) {
      const msg = JSON.parse(buffer.slice(0, end)) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
        method?: string;
        params?: Record<string, unknown>;
        sessionId?: string;
      };
      buffer = buffer.slice(end + 1);
      end = buffer.indexOf('\0');
      if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(`${p.method}: ${msg.error.message}`));
        else p?.resolve(msg.result);
      } else if (msg.method && msg.sessionId) listeners.get(msg.sessionId)?.(msg.method, msg.params ?? {});
    }
  });
  void browser.exited.then(() => {
    for (const p of pending.values())
      p.reject(new Error(`${p.method}: Chromium exited\n${browser.stderr()}`));
    pending.clear();
  });
  const send = <T>(method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
      pipe.input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });

  const open = async (url: string): Promise<CdpPage> => {
    const { targetId } = await send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await send<{ sessionId: string }>('Target.attachToTarget', {
      targetId,
      flatten: true,
    });
    const consoleLines: string[] = [];
    listeners.set(sessionId, (method, params) => {
      if (method === 'Runtime.consoleAPICalled') {
        const args = (params.args as { value?: unknown; description?: string }[]) ?? [];
        consoleLines.push(`${params.type}: ${args.map((a) => a.value ?? a.description).join(' ')}`);
      } else if (method === 'Runtime.exceptionThrown') {
        const d = params.exceptionDetails as { text?: string; exception?: { description?: string } };
        consoleLines.push(`exception: ${d.exception?.description ?? d.text}`);
      }
    });
    const inPage = <T>(method: string, params?: Record<string, unknown>) =>
      send<T>(method, params, sessionId);
    await inPage('Runtime.enable');
    await inPage('Page.enable');
    await inPage('Page.navigate', { url });
    const evaluate = async <T>(expression: string): Promise<T> => {
      const r = await inPage<{
        result: { value?: T };
        exceptionDetails?: { text: string; exception?: { description?: string } };
      }>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
      if (r.exceptionDetails)
        throw new Error(
          `${expression}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`,
        );
      return r.result.value as T;
    };
    const waitFor = async <T>(expression: string, what: string, timeoutMs: number): Promise<T> => {
      const until = Date.now() + timeoutMs;
      let last: unknown;
      while (Date.now() < until) {
        last = await evaluate<T>(expression).catch((e: Error) => e.message);
        if (last && !(typeof last === 'string' && last.startsWith(expression))) return last as T;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(
        `${what}: not within ${timeoutMs / 1000} s (last: ${JSON.stringify(last)})\npage console:\n${consoleLines.slice(-30).join('\n')}`,
      );
    };
    return { send: inPage, evaluate, waitFor, console: consoleLines };
  };
  return { send, open };
}
