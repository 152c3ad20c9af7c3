/**
 * For the tasks suite's template build: the simulator (demo seed) and a real OpenSSH server whose sessions
 * have the fake `qmrestore`/`qm` on PATH, calling the simulator's API as node `prom` (test/support/sshd,
 * test/support/pve-bin). Started by suite.mjs through tsx; writes what the suite needs as JSON to argv[2] and
 * stops both on SIGTERM. Everything listens on 127.0.0.1 only.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator } from '../../../src/sim';
import { startSshd } from '../../support/sshd';

void (async () => {
  const infoFile = process.argv[2];
  const dir = process.argv[3];
  if (!infoFile || !dir) throw new Error('usage: template-host.ts INFO_FILE DIR');
  const sim = await startSimulator({ seed: 'demo', taskDurationMs: 300 });
  const caFile = join(dir, 'sim.pem');
  writeFileSync(caFile, sim.certificate);
  const sshd = await startSshd({ sessionEnv: { PVE_SIM_URL: sim.url, PVE_SIM_TOKEN: `${sim.tokens.admin.id}=${sim.tokens.admin.secret}`, PVE_SIM_CA_FILE: caFile, PVE_FAKE_NODE: 'prom' } });
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `${sshd.knownHostsLine()}\n`);
  const remoteDir = join(dir, 'node-dump');
  mkdirSync(remoteDir, { recursive: true });
  const info = {
    url: sim.url,
    fingerprint: sim.fingerprint,
    tokens: sim.tokens,
    ssh: { port: sshd.port, user: sshd.user, identityFile: sshd.clientKey.path, knownHosts, remoteDir, fakeCalls: join(sshd.dir, 'fake-calls.jsonl') },
  };
  writeFileSync(`${infoFile}.tmp`, JSON.stringify(info), { mode: 0o600 });
  renameSync(`${infoFile}.tmp`, infoFile);
  const stop = (): void => {
    void Promise.all([sshd.stop(), sim.stop()]).then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
})();
