/**
 * Writing a new VM back into hosts.nix: the result keeps the file's style and evaluates with the real Nix
 * to a host with the new VMID at the inserted line.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveNixBin } from '../../../src/core/iac/nix/nixBinary';
import { addHostEdit, addHostToHostsNix, declaredGuestsFromNix, validateNixFile } from '../../../src/core/iac/nix/index';
import { fleetCopy, lineOf, REAL_HOSTS, type FleetCopy } from './fleetCopy';

let fleet: FleetCopy;

before(() => {
  assert.ok(resolveNixBin(), 'nix-instantiate is missing: run `node scripts/ensure-tools.mjs` (installs nix-bin as root).');
  fleet = fleetCopy();
});
after(() => fleet.remove());

test('a new host is added before the final brace, in the file’s indentation, and evaluates cleanly', async () => {
  const text = addHostToHostsNix(REAL_HOSTS, {
    name: 'web',
    vmid: 115,
    cores: 2,
    memory: 4096,
    disk: '32G',
    storage: 'nvmeprom',
    tags: ['opentofu', 'web'],
    description: 'Web "front" ${not-interpolated}',
    hostAttributes: { user: 'abl030', sshAlias: 'web' },
  });
  assert.ok(text.startsWith(REAL_HOSTS.trimEnd().slice(0, -1).trimEnd()), 'everything before the final brace is kept');
  assert.match(
    text,
    /\n {2}};\n\n {2}web = \{\n {4}hostname = "web";\n {4}user = "abl030";\n {4}sshAlias = "web";\n {4}proxmox = \{\n {6}vmid = 115;\n {6}cores = 2;\n {6}memory = 4096;\n {6}disk = "32G";\n {6}storage = "nvmeprom";\n {6}tags = \["opentofu" "web"\];\n/,
  );
  assert.ok(text.endsWith('    };\n  };\n}\n'));
  assert.deepEqual(await validateNixFile(fleet.hostsPath, text), []);
  const web = (await declaredGuestsFromNix(fleet.hostsPath, text)).find((g) => g.vmid === 115);
  assert.ok(web);
  assert.equal(web.range.start.line, lineOf(text, '  web = {'));
  assert.ok(text.includes(String.raw`description = "Web \"front\" \${not-interpolated}";`));
});

test('the edit is an insertion only, so an editor can apply it without touching other lines', () => {
  const e = addHostEdit(REAL_HOSTS, { name: 'web', vmid: 115 });
  assert.deepEqual(e.range.start, e.range.end);
  assert.equal(e.range.start.line, REAL_HOSTS.trimEnd().split('\n').length - 1);
});

test('tabs, a brace on the last content line, trailing comments and odd names', async () => {
  const tabbed = 'let\n\tk = 1;\nin {\n\tone = {\n\t\thostname = "one";\n\t};\n} # end } of hosts\n';
  const t = addHostToHostsNix(tabbed, { name: 'two', vmid: 120 });
  assert.match(t, /\t};\n\n?\ttwo = \{\n\t\thostname = "two";\n\t\tproxmox = \{\n\t\t\tvmid = 120;\n\t\t\};\n\t\};\n\} # end \} of hosts\n$/);
  assert.deepEqual((await declaredGuestsFromNix(fleet.hostsPath, t)).map((g) => g.vmid), [120]);

  const oneLine = '{ a = { hostname = "a"; }; }';
  const o = addHostToHostsNix(oneLine, { name: 'my host', vmid: 121, readonly: true });
  const guests = await declaredGuestsFromNix(fleet.hostsPath, o);
  assert.deepEqual(guests.map((g) => [g.name, g.vmid, g.readonly]), [['my host', 121, true]]);
  assert.match(o, /"my host" = \{/);
});

test('a file without a top-level set is refused with a clear message', () => {
  assert.throws(() => addHostToHostsNix('{ a = 1;', { name: 'x', vmid: 120 }), /cannot be added automatically/);
  assert.throws(() => addHostToHostsNix('[ ]', { name: 'x', vmid: 120 }), /cannot be added automatically/);
});
