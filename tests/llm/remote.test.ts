// The remote engine against a local imitation of llama-server's OpenAI endpoint (node:http on
// 127.0.0.1, a random port): the request's shape, the answer's mapping, every failure as a Result,
// deadlines, cancellation, the driver-first queue, the reachability probe and the env configuration.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompletionRequest, JsonSchema } from '../../main/llm/engine.js';
import { RemoteConfigError, RemoteEngine, remoteEngineFromEnv, type RemoteEngineOptions } from '../../main/llm/remote.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** Resolves when the client closes the connection before the answer was sent. */
  closedEarly: Promise<void>;
}

type Handler = (received: Received, res: ServerResponse) => void;

interface FakeServer {
  url: string;
  port: number;
  received: Received[];
  setHandler(handler: Handler): void;
  /** Resolves once the server has received `count` requests. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

const servers: FakeServer[] = [];
const engines: RemoteEngine[] = [];

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function startServer(handler: Handler = answer({ intent: 'navigation.eta' })): Promise<FakeServer> {
  let current = handler;
  const received: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // keep the raw text
      }
      const closedEarly = new Promise<void>((resolve) => res.on('close', () => !res.writableFinished && resolve()));
      const entry: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, closedEarly };
      received.push(entry);
      for (const w of waiters.filter((w) => received.length >= w.count)) w.resolve();
      current(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const fake: FakeServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    setHandler: (h) => {
      current = h;
    },
    waitFor: (count) =>
      received.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(fake);
  return fake;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function engine(options: RemoteEngineOptions): RemoteEngine {
  const e = new RemoteEngine(options);
  engines.push(e);
  return e;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** What llama-server sends for a non-streamed chat completion. */
function completion(content: string, usage: Record<string, unknown> = { prompt_tokens: 120, completion_tokens: 9 }): unknown {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'qwen',
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
    usage: { total_tokens: 0, ...usage },
  };
}

function answer(value: unknown, usage?: Record<string, unknown>): Handler {
  return (r, res) => {
    if (r.url === '/v1/chat/completions') json(res, 200, completion(JSON.stringify(value), usage));
    else json(res, 404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } });
  };
}

/** Holds chat requests until released; answers each with its own user text. */
function holding(): { handler: Handler; release: () => void } {
  const held: (() => void)[] = [];
  let released = false;
  const handler: Handler = (r, res) => {
    const user = (r.body as { messages: { content: string }[] }).messages[1]?.content;
    const reply = (): void => json(res, 200, completion(JSON.stringify({ user }), { prompt_tokens: 1, completion_tokens: 1 }));
    if (released) reply();
    else held.push(reply);
  };
  return {
    handler,
    release: () => {
      released = true;
      for (const reply of held.splice(0)) reply();
    },
  };
}

const schema: JsonSchema = {
  type: 'object',
  properties: { intent: { type: 'string', enum: ['navigation.eta', 'out_of_scope'] }, confidence: { type: 'number' } },
  required: ['intent'],
  additionalProperties: false,
};

function req(user = 'how long until we arrive?'): CompletionRequest {
  return { system: 'You map a driver request to one intent.', user, schema, maxTokens: 64 };
}

describe('RemoteEngine.complete', () => {
  it('sends an OpenAI chat completion with the schema forced and maps the answer', async () => {
    const server = await startServer(
      answer({ intent: 'navigation.eta' }, { prompt_tokens: 120, completion_tokens: 9, prompt_tokens_details: { cached_tokens: 100 } }),
    );
    const e = engine({ baseUrl: server.url, model: 'qwen2.5-7b-instruct' });
    const result = await e.complete(req());

    expect(result).toEqual({
      ok: true,
      value: { value: { intent: 'navigation.eta' }, usage: { promptTokens: 120, evaluatedTokens: 20, completionTokens: 9 }, ms: expect.any(Number) },
    });
    expect(server.received).toHaveLength(1);
    const [sent] = server.received;
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/v1/chat/completions');
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.body).toEqual({
      model: 'qwen2.5-7b-instruct',
      messages: [
        { role: 'system', content: 'You map a driver request to one intent.' },
        { role: 'user', content: 'how long until we arrive?' },
      ],
      max_tokens: 64,
      temperature: 0,
      stream: false,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema } },
    });
    expect(e.info()).toEqual({ kind: 'remote', model: 'qwen2.5-7b-instruct' });
  });

  it('counts every prompt token as evaluated when the server reports no cache (or null details, as vLLM does)', async () => {
    const server = await startServer(answer({ intent: 'out_of_scope' }, { prompt_tokens: 50, completion_tokens: 4 }));
    const e = engine({ baseUrl: server.url });
    const plain = await e.complete(req());
    expect(plain.ok && plain.value.usage).toEqual({ promptTokens: 50, evaluatedTokens: 50, completionTokens: 4 });

    server.setHandler(answer({ intent: 'out_of_scope' }, { prompt_tokens: 50, completion_tokens: 4, prompt_tokens_details: null }));
    const vllm = await e.complete(req());
    expect(vllm.ok && vllm.value.usage).toEqual({ promptTokens: 50, evaluatedTokens: 50, completionTokens: 4 });
  });

  it('sends the API key as a Bearer token and accepts a base URL ending in /v1', async () => {
    const server = await startServer();
    const e = engine({ baseUrl: `${server.url}/v1/`, apiKey: 'sekret' });
    expect((await e.complete(req())).ok).toBe(true);
    expect(server.received[0]?.url).toBe('/v1/chat/completions');
    expect(server.received[0]?.headers.authorization).toBe('Bearer sekret');
  });

  it('answers unavailable when nothing listens', async () => {
    const e = engine({ baseUrl: await closedPort() });
    const result = await e.complete(req());
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('unavailable');
      expect(result.error.message).toMatch(/ECONNREFUSED/);
    }
  });

  it("answers unavailable with the status and the server's message on an HTTP error", async () => {
    const server = await startServer((_r, res) =>
      json(res, 500, { error: { code: 500, message: 'failed to parse grammar', type: 'server_error' } }),
    );
    const e = engine({ baseUrl: server.url });
    const result = await e.complete(req());
    expect(result).toEqual({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/HTTP 500.*failed to parse grammar/) } });

    // vLLM's older error body, and a plain-text one from a proxy.
    server.setHandler((_r, res) => json(res, 400, { object: 'error', message: 'The model `qwen` does not exist.', type: 'NotFoundError', code: 404 }));
    const vllm = await e.complete(req());
    expect(!vllm.ok && vllm.error).toEqual({ code: 'unavailable', message: expect.stringMatching(/HTTP 400.*does not exist/) });

    server.setHandler((_r, res) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('Bad Gateway from nginx');
    });
    const proxy = await e.complete(req());
    expect(!proxy.ok && proxy.error).toEqual({ code: 'unavailable', message: expect.stringMatching(/HTTP 502.*Bad Gateway from nginx/) });
  });

  it.each([
    ['a body that is not JSON', '<html>oops</html>'],
    ['a body without choices', { usage: { prompt_tokens: 1, completion_tokens: 1 } }],
    ['empty choices', { choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } }],
    ['null content (a tool call instead)', { choices: [{ message: { content: null } }], usage: { prompt_tokens: 1, completion_tokens: 1 } }],
    ['no usage', { choices: [{ message: { content: '{}' } }] }],
    ['negative token counts', completion('{}', { prompt_tokens: -1, completion_tokens: 1 })],
    ['content that is not JSON', completion('Sure! The intent is navigation.eta')],
    ['content cut off at max_tokens', completion('{"intent": "navig')],
  ])('answers invalid_output for %s', async (_name, body) => {
    const server = await startServer((_r, res) => json(res, 200, body));
    const result = await engine({ baseUrl: server.url }).complete(req());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('invalid_output');
  });

  it('times out within the deadline and closes the connection', async () => {
    const server = await startServer(() => {
      // never answers
    });
    const e = engine({ baseUrl: server.url, timeoutMs: 10_000 });
    const started = Date.now();
    const result = await e.complete(req(), { timeoutMs: 200 });
    const elapsed = Date.now() - started;

    expect(result).toEqual({ ok: false, error: { code: 'timeout', message: expect.stringContaining('200 ms') } });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1_500);
    await expect(withTimeout(server.received[0]!.closedEarly, 2_000)).resolves.toBe('done');
  });

  it("uses the engine's default deadline when the call gives none", async () => {
    const server = await startServer(() => {});
    const result = await engine({ baseUrl: server.url, timeoutMs: 150 }).complete(req());
    expect(!result.ok && result.error.code).toBe('timeout');
  });

  it('answers cancelled when the signal aborts mid-request, and aborts the fetch', async () => {
    const server = await startServer(() => {});
    const e = engine({ baseUrl: server.url });
    const controller = new AbortController();
    const pending = e.complete(req(), { signal: controller.signal });
    await server.waitFor(1);
    controller.abort();

    expect(await pending).toEqual({ ok: false, error: { code: 'cancelled', message: expect.any(String) } });
    await expect(withTimeout(server.received[0]!.closedEarly, 2_000)).resolves.toBe('done');
  });

  it('answers cancelled at once for a signal that is already aborted, sending nothing', async () => {
    const server = await startServer();
    const result = await engine({ baseUrl: server.url }).complete(req(), { signal: AbortSignal.abort() });
    expect(!result.ok && result.error.code).toBe('cancelled');
    expect(server.received).toHaveLength(0);
  });

  it('sends driver requests before queued background ones', async () => {
    const hold = holding();
    const server = await startServer(hold.handler);
    const e = engine({ baseUrl: server.url, concurrency: 1 });

    const first = e.complete(req('first'), { priority: 'background' });
    await server.waitFor(1);
    const background = e.complete(req('background'), { priority: 'background' });
    const driver = e.complete(req('driver'), { priority: 'driver' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.received).toHaveLength(1); // concurrency 1: the others wait in the queue

    hold.release();
    const results = await Promise.all([first, background, driver]);
    expect(results.every((r) => r.ok)).toBe(true);
    const order = server.received.map((r) => (r.body as { messages: { content: string }[] }).messages[1]?.content);
    expect(order).toEqual(['first', 'driver', 'background']);
  });

  it('counts queueing in the deadline and never sends a call that timed out in the queue', async () => {
    const hold = holding();
    const server = await startServer(hold.handler);
    const e = engine({ baseUrl: server.url, concurrency: 1 });
    const first = e.complete(req('first'));
    await server.waitFor(1);

    const queued = await e.complete(req('queued'), { timeoutMs: 100 });
    expect(!queued.ok && queued.error.code).toBe('timeout');
    hold.release();
    expect((await first).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.received).toHaveLength(1);
  });

  it('runs up to `concurrency` requests at once', async () => {
    const hold = holding();
    const server = await startServer(hold.handler);
    const e = engine({ baseUrl: server.url }); // default 2
    const calls = [e.complete(req('a')), e.complete(req('b')), e.complete(req('c'))];
    await server.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.received).toHaveLength(2);
    hold.release();
    expect((await Promise.all(calls)).every((r) => r.ok)).toBe(true);
    expect(server.received).toHaveLength(3);
  });

  it('close() cancels running and queued calls; later calls answer unavailable', async () => {
    const server = await startServer(() => {});
    const e = new RemoteEngine({ baseUrl: server.url, concurrency: 1 });
    const running = e.complete(req('running'));
    await server.waitFor(1);
    const queued = e.complete(req('queued'));
    await e.close();
    expect(!(await running).ok && ((await running) as { error: { code: string } }).error.code).toBe('cancelled');
    expect(!(await queued).ok && ((await queued) as { error: { code: string } }).error.code).toBe('cancelled');
    const later = await e.complete(req());
    expect(!later.ok && later.error.code).toBe('unavailable');
    expect(server.received).toHaveLength(1);
  });
});

describe('RemoteEngine.reachable', () => {
  it('is true when /v1/models answers, with the API key sent', async () => {
    const server = await startServer((r, res) => json(res, 200, { object: 'list', data: [{ id: 'qwen', object: 'model' }] }));
    const e = engine({ baseUrl: server.url, apiKey: 'k' });
    expect(await e.reachable(500)).toBe(true);
    expect(server.received.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v1/models']);
    expect(server.received[0]?.headers.authorization).toBe('Bearer k');
  });

  it('falls back to /health where /v1/models does not exist', async () => {
    const server = await startServer((r, res) => (r.url === '/health' ? json(res, 200, { status: 'ok' }) : json(res, 404, { error: 'not found' })));
    expect(await engine({ baseUrl: server.url }).reachable(500)).toBe(true);
    expect(server.received.map((r) => r.url)).toEqual(['/v1/models', '/health']);
  });

  it('is false when nothing listens, when the server hangs, and when it refuses the key or is loading', async () => {
    expect(await engine({ baseUrl: await closedPort() }).reachable(500)).toBe(false);

    const hanging = await startServer(() => {});
    const started = Date.now();
    expect(await engine({ baseUrl: hanging.url }).reachable(200)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_500);

    const locked = await startServer((_r, res) => json(res, 401, { error: { message: 'Invalid API Key' } }));
    expect(await engine({ baseUrl: locked.url }).reachable(500)).toBe(false);
    expect(locked.received).toHaveLength(1); // a wrong key is not papered over by /health

    const loading = await startServer((_r, res) => json(res, 503, { error: { message: 'Loading model' } }));
    expect(await engine({ baseUrl: loading.url }).reachable(500)).toBe(false);
  });

  it('reuses its answer for a few seconds and shares one probe between concurrent callers', async () => {
    const server = await startServer((_r, res) => json(res, 200, { data: [] }));
    const e = engine({ baseUrl: server.url, reachableCacheMs: 200 });
    expect(await Promise.all([e.reachable(), e.reachable(), e.reachable()])).toEqual([true, true, true]);
    expect(await e.reachable()).toBe(true);
    expect(server.received).toHaveLength(1);

    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await e.reachable()).toBe(true);
    expect(server.received).toHaveLength(2);
  });
});

describe('remoteEngineFromEnv', () => {
  it('is null when KEMUDI_LLM_URL is unset or empty', () => {
    expect(remoteEngineFromEnv({})).toBeNull();
    expect(remoteEngineFromEnv({ KEMUDI_LLM_URL: '  ', KEMUDI_LLM_MODEL: 'big' })).toBeNull();
  });

  it('configures the engine from the environment', async () => {
    const e = remoteEngineFromEnv({ KEMUDI_LLM_URL: 'http://10.0.0.5:8080/' });
    expect(e).toBeInstanceOf(RemoteEngine);
    expect(e?.info()).toEqual({ kind: 'remote', model: 'qwen' });
    expect(e?.baseUrl).toBe('http://10.0.0.5:8080');
    await e?.close();

    const server = await startServer();
    const configured = remoteEngineFromEnv({ KEMUDI_LLM_URL: server.url, KEMUDI_LLM_MODEL: 'qwen3-30b', KEMUDI_LLM_API_KEY: 'abc' });
    expect(configured).not.toBeNull();
    engines.push(configured!);
    expect(configured!.info()).toEqual({ kind: 'remote', model: 'qwen3-30b' });
    expect((await configured!.complete(req())).ok).toBe(true);
    expect((server.received[0]?.body as { model: string }).model).toBe('qwen3-30b');
    expect(server.received[0]?.headers.authorization).toBe('Bearer abc');

    const https = remoteEngineFromEnv({ KEMUDI_LLM_URL: 'https://llm.fleet.example/kemudi/v1' });
    expect(https?.baseUrl).toBe('https://llm.fleet.example/kemudi');
    await https?.close();
  });

  it.each([
    ['not a url', /KEMUDI_LLM_URL is not a URL/],
    ['localhost:8080', /KEMUDI_LLM_URL must be an http:\/\/ or https:\/\/ URL/],
    ['ftp://server/models', /must be an http:\/\/ or https:\/\/ URL/],
    ['http://user:pw@server:8080', /must not carry credentials.*KEMUDI_LLM_API_KEY/],
    ['http://server:8080/?key=1', /without \?query/],
  ])('throws a RemoteConfigError naming the variable for %s', (url, message) => {
    let thrown: unknown;
    try {
      remoteEngineFromEnv({ KEMUDI_LLM_URL: url });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RemoteConfigError);
    expect((thrown as RemoteConfigError).setting).toBe('KEMUDI_LLM_URL');
    expect((thrown as RemoteConfigError).message).toMatch(message);
  });
});

function withTimeout(promise: Promise<void>, ms: number): Promise<'done' | 'timeout'> {
  return Promise.race([
    promise.then(() => 'done' as const),
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms)),
  ]);
}
