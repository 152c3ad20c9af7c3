import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  DEFAULT_WORKER_TIMEOUT_SECONDS,
  LanguageWorkerClient,
  MAX_WORKER_TIMEOUT_SECONDS,
  MIN_WORKER_TIMEOUT_SECONDS,
  RequestCancelled,
  WorkerFailed,
  workerTimeoutMs,
  type WorkerLike,
  type WorkerLogLevel,
} from '../../../src/core/validate/worker/client';
import { isHostMessage, isResultOf, isWorkerMessage, type HostMessage, type WorkerConfig, type WorkerMessage } from '../../../src/core/validate/worker/protocol';
import { LanguageWorkerServer } from '../../../src/core/validate/worker/server';
import { SITE } from './helpers';

const CONFIG: WorkerConfig = { env: {}, workspaceRoots: [], trusted: false };
const RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } };
const DIAG = { range: RANGE, severity: 'error', code: 'yaml-syntax', message: 'broken' };

class FakeWorker extends EventEmitter implements WorkerLike {
  readonly posted: HostMessage[] = [];
  terminated = false;
  postMessage(message: HostMessage): void {
    this.posted.push(message);
  }
  terminate(): Promise<number> {
    this.terminated = true;
    return Promise.resolve(0);
  }
  requests(): Extract<HostMessage, { type: 'request' }>[] {
    return this.posted.filter((m): m is Extract<HostMessage, { type: 'request' }> => m.type === 'request');
  }
}

function fakeClient(extra: Partial<ConstructorParameters<typeof LanguageWorkerClient>[0]> = {}): { client: LanguageWorkerClient; workers: FakeWorker[]; logs: string[] } {
  const workers: FakeWorker[] = [];
  const logs: string[] = [];
  const client = new LanguageWorkerClient({
    spawn: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    config: () => CONFIG,
    log: (level: WorkerLogLevel, message: string) => logs.push(`${level}: ${message}`),
    ...extra,
  });
  return { client, workers, logs };
}

test('protocol guards: well-formed messages pass, malformed ones are refused on both sides', () => {
  assert.ok(isHostMessage({ type: 'request', id: 1, method: 'hover', path: '/a.yaml', text: 'x', version: 3, pos: { line: 0, character: 1 } }));
  assert.ok(isHostMessage({ type: 'request', id: 2, method: 'validate', path: '/a.yaml', text: '', options: { vmidRanges: [[100, 200]], live: { guests: [{ vmid: 100, name: 'a', node: 'pve1' }] } } }));
  assert.ok(isHostMessage({ type: 'request', id: 3, method: 'declaredGuests', roots: ['/w'] }));
  assert.ok(isHostMessage({ type: 'live', live: { guests: [] } }));
  assert.ok(isHostMessage({ type: 'live', live: { guests: [], nodes: ['pve1'], storages: [{ node: 'pve1', storage: 'local', content: ['images'] }] } }));
  assert.ok(isHostMessage({ type: 'live', live: { guests: [], bridges: { pve1: ['vmbr0', 'vmbr1'], pve2: [] } } }));
  assert.ok(isHostMessage({ type: 'live' }), 'no live cluster (disconnected)');
  assert.ok(isHostMessage({ type: 'configure', config: CONFIG }));
  for (const bad of [
    null,
    'request',
    { type: 'request', id: -1, method: 'hover', path: '/a', text: '', pos: { line: 0, character: 0 } },
    { type: 'request', id: 1, method: 'hover', path: '/a', text: '', pos: { line: -1, character: 0 } },
    { type: 'request', id: 1, method: 'eval', path: '/a', text: '' },
    { type: 'request', id: 1, method: 'validate', path: '/a', text: '', options: { vmidRanges: [[1]] } },
    { type: 'live', live: { guests: [{ vmid: '100', name: 'a', node: 'n' }] } },
    { type: 'live', live: { guests: [], nodes: [1] } },
    { type: 'live', live: { guests: [], storages: [{ node: 'pve1' }] } },
    { type: 'live', live: { guests: [], bridges: ['vmbr0'] } },
    { type: 'live', live: { guests: [], bridges: { pve1: 'vmbr0' } } },
    { type: 'document', path: '/a', version: 1.5, text: '' },
    { type: 'configure', config: { env: { A: 1 }, workspaceRoots: [], trusted: true } },
    { type: 'shutdown' },
  ]) {
    assert.equal(isHostMessage(bad), false, JSON.stringify(bad));
  }
  assert.ok(isWorkerMessage({ type: 'response', id: 1, ok: true, result: [] }));
  assert.ok(isWorkerMessage({ type: 'response', id: 1, ok: false, error: 'x' }));
  assert.equal(isWorkerMessage({ type: 'response', id: 1, ok: true }), false, 'a success without a result');
  assert.equal(isWorkerMessage({ type: 'response', id: 1, ok: false, error: 42 }), false);
  assert.equal(isWorkerMessage({ type: 'log', level: 'debug', message: 'x' }), false);

  assert.ok(isResultOf('validate', [DIAG]));
  assert.equal(isResultOf('validate', [{ ...DIAG, severity: 'fatal' }]), false);
  assert.equal(isResultOf('validate', [{ ...DIAG, range: { start: { line: 0 }, end: RANGE.end } }]), false);
  assert.ok(isResultOf('hover', undefined));
  assert.equal(isResultOf('hover', { markdown: 1, range: RANGE }), false);
  assert.ok(isResultOf('codeFixes', [{ title: 't', diagnosticCode: 'c', edits: [{ range: RANGE, newText: 'x' }] }]));
  assert.equal(isResultOf('codeFixes', [{ title: 't', diagnosticCode: 'c', edits: [{ range: RANGE }] }]), false);
  assert.equal(isResultOf('declaredGuests', [{ name: 'a', format: 'helm', file: '/f', range: RANGE, readonly: false }]), false);
});

test('an answer is handed on only after its shape is checked', async () => {
  const { client, workers, logs } = fakeClient();
  const good = client.request('validate', { path: '/w/m.yaml', text: 'x', options: {} });
  const bad = client.request('validate', { path: '/w/m.yaml', text: 'y', options: {} });
  const [w] = workers;
  const [r1, r2] = w.requests();
  w.emit('message', { type: 'response', id: r1.id, ok: true, result: [DIAG] });
  w.emit('message', { type: 'response', id: r2.id, ok: true, result: [{ ...DIAG, message: undefined }] });
  assert.deepEqual(await good, [DIAG]);
  await assert.rejects(bad, /wrong shape/);
  assert.ok(logs.some((l) => /wrong shape/.test(l)));
  w.emit('message', { type: 'nonsense' });
  assert.ok(logs.some((l) => /not part of the protocol/.test(l)));
  client.dispose();
});

test('an edit cancels the request for the older version, in the worker too, and its late answer is dropped', async () => {
  const { client, workers } = fakeClient();
  client.setDocument('/w/m.yaml', 1, 'a: 1');
  const first = client.request('validate', { path: '/w/m.yaml', text: 'a: 1', version: 1, options: {} });
  const [w] = workers;
  const [r1] = w.requests();
  client.setDocument('/w/m.yaml', 2, 'a: 2');
  await assert.rejects(first, RequestCancelled);
  assert.ok(w.posted.some((m) => m.type === 'cancel' && m.id === r1.id), 'the worker is told to stop');
  assert.ok(w.posted.some((m) => m.type === 'document' && m.version === 2 && m.text === 'a: 2'), 'and gets the new text');

  // A request made with the old version after the edit is refused at once.
  await assert.rejects(client.request('hover', { path: '/w/m.yaml', text: 'a: 1', version: 1, pos: { line: 0, character: 0 } }), RequestCancelled);

  const second = client.request('validate', { path: '/w/m.yaml', text: 'a: 2', version: 2, options: {} });
  const r2 = w.requests().at(-1)!;
  // The first request's answer arrives late: ignored, and it does not resolve the second.
  w.emit('message', { type: 'response', id: r1.id, ok: true, result: [{ ...DIAG, message: 'stale' }] });
  w.emit('message', { type: 'response', id: r2.id, ok: true, result: [] });
  assert.deepEqual(await second, []);

  // Closing the document drops what is in flight for it.
  const third = client.request('validate', { path: '/w/m.yaml', text: 'a: 2', version: 2, options: {} });
  client.closeDocument('/w/m.yaml');
  await assert.rejects(third, RequestCancelled);
  client.dispose();
});

test('an aborted signal cancels the request in the worker', async () => {
  const { client, workers } = fakeClient();
  const controller = new AbortController();
  const p = client.request('validate', { path: '/w/m.yaml', text: 'x', options: {} }, controller.signal);
  controller.abort();
  await assert.rejects(p, RequestCancelled);
  const [r] = workers[0].requests();
  assert.ok(workers[0].posted.some((m) => m.type === 'cancel' && m.id === r.id));
  client.dispose();
});

test('a request VS Code cancels is rejected at once, the worker is told, and its late answer is not used', async () => {
  const { client, workers } = fakeClient();
  const controller = new AbortController();
  const pos = { line: 0, character: 1 };
  const cancelled = client.request('hover', { path: '/w/m.yaml', text: 'a: 1', pos }, controller.signal);
  const [w] = workers;
  const [r1] = w.requests();
  controller.abort();
  // Rejected before the worker says anything: the editor gets its (empty) answer without waiting.
  await assert.rejects(cancelled, RequestCancelled);
  assert.ok(w.posted.some((m) => m.type === 'cancel' && m.id === r1.id), 'the worker is told to stop');
  assert.equal(client.busy, false, 'nothing is left waiting for the worker');

  const next = client.request('hover', { path: '/w/m.yaml', text: 'a: 1', pos });
  const r2 = w.requests().at(-1)!;
  // The cancelled request's answer arrives late: dropped, and it does not answer the next request.
  w.emit('message', { type: 'response', id: r1.id, ok: true, result: { markdown: 'stale', range: RANGE } });
  w.emit('message', { type: 'response', id: r2.id, ok: true, result: { markdown: 'fresh', range: RANGE } });
  assert.equal((await next)?.markdown, 'fresh');

  // A signal that is already aborted never reaches the worker.
  const before = w.requests().length;
  const gone = new AbortController();
  gone.abort();
  await assert.rejects(client.request('completions', { path: '/w/m.yaml', text: 'a: 1', pos }, gone.signal), RequestCancelled);
  assert.equal(w.requests().length, before);
  client.dispose();
});

test('the worker skips a request cancelled before it started, and one for a version that moved on', async () => {
  const calls: string[] = [];
  const posted: WorkerMessage[] = [];
  const service = {
    detectFormat: () => 'manifest' as const,
    validate: () => (calls.push('validate'), Promise.resolve([])),
    hover: () => (calls.push('hover'), Promise.resolve({ markdown: 'x', range: RANGE })),
    completions: () => (calls.push('completions'), Promise.resolve([])),
    definition: () => Promise.resolve(undefined),
    codeFixes: () => Promise.resolve([]),
    lensTargets: () => [],
    declaredGuests: () => Promise.resolve([]),
    invalidate: () => undefined,
  };
  const server = new LanguageWorkerServer({
    post: (m) => posted.push(m),
    createService: () => service,
    disk: { readFile: () => Promise.resolve(undefined), listDir: () => Promise.resolve([]) },
  });
  server.handle({ type: 'configure', config: CONFIG });
  const pos = { line: 0, character: 0 };
  // As the messages arrive in one batch: the request, then VS Code's cancel for it.
  server.handle({ type: 'request', id: 1, method: 'hover', path: '/w/m.yaml', text: 'a: 1', pos });
  server.handle({ type: 'cancel', id: 1 });
  // A request for version 1, then the edit to version 2.
  server.handle({ type: 'document', path: '/w/m.yaml', version: 1, text: 'a: 1' });
  server.handle({ type: 'request', id: 2, method: 'completions', path: '/w/m.yaml', text: 'a: 1', version: 1, pos });
  server.handle({ type: 'document', path: '/w/m.yaml', version: 2, text: 'a: 2' });
  server.handle({ type: 'request', id: 3, method: 'hover', path: '/w/m.yaml', text: 'a: 2', version: 2, pos });
  const settled = (id: number) => posted.some((m) => (m.type === 'cancelled' || m.type === 'response') && m.id === id);
  while (![1, 2, 3].every(settled)) await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(calls, ['hover'], 'only the live request ran');
  assert.ok(posted.some((m) => m.type === 'cancelled' && m.id === 1));
  assert.ok(posted.some((m) => m.type === 'cancelled' && m.id === 2));
  assert.ok(posted.some((m) => m.type === 'response' && m.id === 3 && m.ok));
});

test('a new worker gets the configuration, the open documents and the live guests', async () => {
  const { client, workers } = fakeClient();
  client.setDocument('/w/p.yaml', 7, 'cores: 2');
  client.setLive({ guests: [{ vmid: 101, name: 'web', node: 'pve1' }] });
  const p = client.request('lensTargets', { path: '/w/m.yaml', text: '' });
  workers[0].emit('exit', 1);
  await assert.rejects(p, WorkerFailed);
  void client.request('lensTargets', { path: '/w/m.yaml', text: '' }).catch(() => undefined);
  const types = workers[1].posted.map((m) => m.type);
  assert.deepEqual(types, ['configure', 'document', 'live', 'request']);
  client.dispose();
});

// Real worker threads: a crash and a hang are replaced by a fresh worker, with a line in the log.
const SCRIPTED = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.type === 'ping') parentPort.postMessage({ type: 'pong', seq: m.seq });
  if (m.type !== 'request') return;
  if (workerData.mode === 'crash') throw new Error('boom in the worker');
  if (workerData.mode === 'hang') for (;;) {}
  parentPort.postMessage({ type: 'response', id: m.id, ok: true, result: [] });
});`;

function scriptedClient(modes: string[], extra: { hangMs?: number | (() => number); pingIntervalMs?: number } = {}) {
  const logs: string[] = [];
  let started = 0;
  const client = new LanguageWorkerClient({
    spawn: () => new Worker(SCRIPTED, { eval: true, workerData: { mode: modes[started++] ?? 'ok' } }),
    config: () => CONFIG,
    log: (level, message) => logs.push(`${level}: ${message}`),
    ...extra,
  });
  return { client, logs };
}

test('a worker that crashes fails the request in flight, is logged and replaced for the next request', async () => {
  const { client, logs } = scriptedClient(['crash', 'ok']);
  await assert.rejects(client.request('validate', { path: '/w/m.yaml', text: 'x', options: {} }), (err: unknown) => err instanceof WorkerFailed && /crashed \(boom in the worker\)/.test(err.message));
  assert.ok(logs.some((l) => /^error: The IaC language worker crashed .*restarted/.test(l)), logs.join('\n'));
  assert.deepEqual(await client.request('validate', { path: '/w/m.yaml', text: 'x', options: {} }), []);
  assert.equal(client.starts, 2);
  client.dispose();
});

test('a worker that stops answering pings is terminated and replaced', async () => {
  const { client, logs } = scriptedClient(['hang'], { hangMs: 300, pingIntervalMs: 50 });
  await assert.rejects(client.request('validate', { path: '/w/m.yaml', text: 'x', options: {} }), (err: unknown) => err instanceof WorkerFailed && /hung/.test(err.message));
  assert.ok(logs.some((l) => /did not answer .* \(hung\).*restarted/.test(l)), logs.join('\n'));
  client.dispose();
});

test('the hang limit is read from the setting each time the worker gets busy, within its bounds', async () => {
  assert.equal(workerTimeoutMs(undefined), DEFAULT_WORKER_TIMEOUT_SECONDS * 1000);
  assert.equal(workerTimeoutMs('90'), 60_000, 'a string is not a number of seconds');
  assert.equal(workerTimeoutMs(90), 90_000);
  assert.equal(workerTimeoutMs(1), MIN_WORKER_TIMEOUT_SECONDS * 1000);
  assert.equal(workerTimeoutMs(1e9), MAX_WORKER_TIMEOUT_SECONDS * 1000);
  assert.equal(workerTimeoutMs(Number.NaN), 60_000);

  // package.json offers the same default and bounds.
  const pkg = JSON.parse(await readFile(nodePath.resolve(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default: number; minimum: number; maximum: number }> } };
  };
  const setting = pkg.contributes.configuration.properties['proxmoxIac.validation.workerTimeoutSeconds'];
  assert.deepEqual([setting.default, setting.minimum, setting.maximum], [DEFAULT_WORKER_TIMEOUT_SECONDS, MIN_WORKER_TIMEOUT_SECONDS, MAX_WORKER_TIMEOUT_SECONDS]);

  // One client, a worker that never answers pings: the first request waits under the 60 s limit; after the
  // setting drops to 300 ms the next request finds the worker hung and it is replaced.
  let limit = 60_000;
  const { client, workers, logs } = fakeClient({ hangMs: () => limit, pingIntervalMs: 50 });
  let firstSettled = false;
  const first = client.request('validate', { path: '/w/m.yaml', text: 'x', options: {} });
  void first.finally(() => (firstSettled = true));
  // Until the worker has been pinged a dozen times (well past 300 ms), the request is still waited for.
  while (workers[0].posted.filter((m) => m.type === 'ping').length < 12) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(firstSettled, false, logs.join('\n'));
  workers[0].emit('message', { type: 'response', id: workers[0].requests()[0].id, ok: true, result: [] });
  assert.deepEqual(await first, []);

  limit = 300;
  // The client's heartbeat does not keep a process alive (unref); the test's waiting must.
  const keepAlive = setInterval(() => undefined, 1000);
  await assert.rejects(client.request('validate', { path: '/w/m.yaml', text: 'x', options: {} }), (err: unknown) => err instanceof WorkerFailed && /hung/.test(err.message));
  assert.ok(logs.some((l) => /hung.*restarted/.test(l)), logs.join('\n'));
  assert.ok(workers[0].terminated);
  clearInterval(keepAlive);
  client.dispose();
});

test('the real worker entry validates, hovers and answers for unsaved text; an edit cancels its request', async () => {
  const client = new LanguageWorkerClient({
    // The TypeScript entry itself, loaded through tsx as the tests are.
    spawn: () =>
      new Worker(`require('tsx/cjs'); require(${JSON.stringify(nodePath.resolve(__dirname, '../../../src/vscode/language/serviceWorker.ts'))});`, { eval: true }),
    config: () => ({ env: {}, workspaceRoots: [SITE], trusted: false }),
    log: () => undefined,
  });
  try {
    const manifest = nodePath.join(SITE, 'manifests/unsaved.yaml');
    const broken = 'schema_version: 2\nname: x\npattern: [tiered\nnodes: []\n';
    const diags = await client.request('validate', { path: manifest, text: broken, options: {} });
    assert.ok(diags.some((d) => d.code === 'yaml-syntax' && d.severity === 'error'), JSON.stringify(diags));

    const unknownPreset = 'schema_version: 2\nname: x\nnodes:\n  - name: a\n    type: vm\n    preset: vm-tiny\n    vmid: 99001\n';
    const found = await client.request('validate', { path: manifest, text: unknownPreset, options: { vmidRanges: [[100, 999]] } });
    assert.ok(found.some((d) => /vm-tiny/.test(d.message)), JSON.stringify(found));
    assert.ok(found.some((d) => /99001/.test(d.message)), `the VMID range from the request applies: ${JSON.stringify(found)}`);

    const hover = await client.request('hover', { path: manifest, text: unknownPreset, pos: { line: 5, character: 14 } });
    assert.match(hover?.markdown ?? '', /vm-tiny/);

    // Another file's unsaved text (an open, edited preset) is what the checks and hovers read, not the disk.
    const preset = nodePath.join(SITE, 'presets/vm-small.yaml');
    const usesSmall = 'schema_version: 2\nname: x\nnodes:\n  - name: a\n    type: vm\n    preset: vm-small\n';
    const before = await client.request('hover', { path: manifest, text: usesSmall, pos: { line: 5, character: 14 } });
    assert.doesNotMatch(before?.markdown ?? '', /edited in the editor/);
    client.setDocument(preset, 4, '# edited in the editor, not saved\ncores: 3\nmemory: 2048\n');
    const after = await client.request('hover', { path: manifest, text: usesSmall, pos: { line: 5, character: 14 } });
    assert.match(after?.markdown ?? '', /edited in the editor, not saved/);
    assert.match(after?.markdown ?? '', /cores`: 3/);

    // Nix is not evaluated when the configuration says the workspace is untrusted.
    const nix = await client.request('validate', { path: nodePath.join(SITE, 'hosts.nix'), text: '{ }', options: {} });
    assert.deepEqual(nix, []);

    client.setDocument(manifest, 1, unknownPreset);
    const inFlight = client.request('validate', { path: manifest, text: unknownPreset, version: 1, options: {} });
    client.setDocument(manifest, 2, broken);
    await assert.rejects(inFlight, RequestCancelled);
    const now = await client.request('validate', { path: manifest, text: broken, version: 2, options: {} });
    assert.ok(now.some((d) => d.code === 'yaml-syntax'));
  } finally {
    client.dispose();
  }
});
