/**
 * Entry of `dist/language-worker.js`: the IaC language service in a `worker_threads` Worker, so parsing and
 * checking a large or broken file never stalls the extension host's thread. yaml, ajv, the schemas and the
 * Nix runner are bundled here, not in `dist/extension.js`. Never imports `vscode` (a worker has no API).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { nodeFileSource } from '../../core/validate/nodeFiles';
import { LanguageWorkerServer } from '../../core/validate/worker/server';
import { GateWorker } from '../../core/validate/worker/testGate';
import { createEditorLanguageService } from './serviceModule';

interface LanguageWorkerData {
  /** Test builds: the shared gate (src/core/validate/worker/testGate.ts). */
  readonly testGate?: SharedArrayBuffer;
}

const port = parentPort;
if (!port) throw new Error('dist/language-worker.js runs only as a worker thread');
const data = (workerData ?? {}) as LanguageWorkerData;
const gate = data.testGate instanceof SharedArrayBuffer ? new GateWorker(data.testGate) : undefined;

const server = new LanguageWorkerServer({
  post: (m) => port.postMessage(m),
  disk: nodeFileSource(),
  createService: (files, config) => createEditorLanguageService(files, config),
  ...(gate
    ? {
        hooks: {
          hold: (p: string | undefined) => gate.hold(p),
          beforeValidate: (p: string) => gate.beforeValidate(p),
          afterValidate: (p: string) => gate.afterValidate(p),
        },
      }
    : {}),
});
port.on('message', (m: unknown) => server.handle(m));
port.postMessage({ type: 'ready' });
