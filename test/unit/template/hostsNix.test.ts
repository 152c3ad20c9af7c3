import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyReplacement, readProxmoxBlock, templateVmidEdit } from '../../../src/core/template/hostsNix';

const SEED = `{
  _proxmox = {
    host = "192.0.2.12";
    node = "prom";
    defaultStorage = "local-lvm";
    templateVmid = 9002;
  };
  web = {
    hostname = "web";
    proxmox = { vmid = 111; templateVmid = 1; };
  };
}
`;

test('reads host, node, storage and templateVmid from the _proxmox set', () => {
  const b = readProxmoxBlock(SEED);
  assert.equal(b?.host, '192.0.2.12');
  assert.equal(b?.node, 'prom');
  assert.equal(b?.defaultStorage, 'local-lvm');
  assert.equal(b?.templateVmid, 9002);
});

test('updating templateVmid replaces only that number', () => {
  const edit = templateVmidEdit(SEED, 9100);
  assert.ok(edit);
  assert.equal(applyReplacement(SEED, edit), SEED.replace('templateVmid = 9002;', 'templateVmid = 9100;'));
  assert.equal(templateVmidEdit(SEED, 9002), undefined, 'nothing to change');
});

test('adds templateVmid to a _proxmox set without one, indented like its attributes', () => {
  const text = `let x = 1; in {\n  # _proxmox = { templateVmid = 5; };\n  _proxmox = {\n    node = "prom";\n  };\n  db = { proxmox = { vmid = 2; }; };\n}\n`;
  assert.equal(readProxmoxBlock(text)?.templateVmid, undefined);
  const out = applyReplacement(text, templateVmidEdit(text, 9100)!);
  assert.equal(out, text.replace('    node = "prom";\n', '    node = "prom";\n    templateVmid = 9100;\n'));
  assert.equal(readProxmoxBlock(out)?.templateVmid, 9100);
});

test('a one-line _proxmox set gets the attribute before its brace; no _proxmox, no edit', () => {
  const text = '{ _proxmox = { node = "prom"; }; }';
  assert.equal(applyReplacement(text, templateVmidEdit(text, 9100)!), '{ _proxmox = { node = "prom"; templateVmid = 9100; }; }');
  assert.equal(templateVmidEdit('{ web = { proxmox = { vmid = 1; }; }; }', 9100), undefined);
});
