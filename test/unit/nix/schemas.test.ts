/**
 * schemas/nix-*.schema.json describe the evaluated shape of the fleet files: the real examples, as the
 * real Nix evaluates them, satisfy them, and a seeded mistake does not.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import hostsSchema from '../../../schemas/nix-hosts.schema.json';
import definitionsSchema from '../../../schemas/nix-vm-definitions.schema.json';
import { evaluateNixText } from '../../../src/core/iac/nix/evaluate';
import { resolveNixBin } from '../../../src/core/iac/nix/nixBinary';
import { edit, fleetCopy, REAL_DEFINITIONS, REAL_HOSTS, type FleetCopy } from './fleetCopy';

let fleet: FleetCopy;
before(() => {
  assert.ok(resolveNixBin(), 'nix-instantiate is missing: run `node scripts/ensure-tools.mjs` (installs nix-bin as root).');
  fleet = fleetCopy();
});
after(() => fleet.remove());

async function value(path: string, text: string): Promise<unknown> {
  const r = await evaluateNixText(path, text);
  assert.equal(r.kind, 'ok');
  return r.kind === 'ok' ? r.value : undefined;
}

test('the evaluated real hosts.nix and vms/definitions.nix satisfy their schemas; a mistake does not', async () => {
  const ajv = new Ajv({ allErrors: true });
  const hosts = ajv.compile(hostsSchema);
  const definitions = ajv.compile(definitionsSchema);
  assert.ok(hosts(await value(fleet.hostsPath, REAL_HOSTS)), JSON.stringify(hosts.errors));
  assert.ok(definitions(await value(fleet.definitionsPath, REAL_DEFINITIONS)), JSON.stringify(definitions.errors));

  const bad = edit(REAL_HOSTS, '  cache = {', 'memory = 8192;', 'memory = 256;');
  assert.equal(hosts(await value(fleet.hostsPath, bad)), false);
  assert.deepEqual(hosts.errors?.map((e) => e.instancePath), ['/cache/proxmox/memory']);
});
