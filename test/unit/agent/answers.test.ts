/**
 * Every real shape of a guest-agent answer, parsed into the board's state: the samples from
 * /work/shared/pve-api (copied to test/fixtures/pve-samples), a Windows guest, a guest with many NICs, an
 * agent that answers HTTP 200 with `result.error`, PVE's 500 texts (not configured, VM not running, agent not
 * running, timeout, unsupported command, Agent error) and the 403s of PVE 9 and PVE 8.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorFromResponse, type WireResponse } from '../../../src/core/pve/http';
import { agentResult, parseAgentInterfaces, parseAgentOsInfo, parseHostName } from '../../../src/core/pve/parseAgent';
import { AgentCommandError, InvalidResponseError } from '../../../src/core/pve/errors';
import { classifyAgentError } from '../../../src/core/agent/probe';
import { addressesOf, primaryAddress } from '../../../src/core/agent/addresses';
import { hintFor } from '../../../src/core/agent/state';

const dir = join(__dirname, '../../fixtures/pve-samples');
const body = (name: string): unknown => (JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { data: unknown }).data;
const exchange = (name: string): WireResponse => {
  const e = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { status: number; statusText: string; headers: Record<string, string>; body: string };
  return { status: e.status, statusText: e.statusText, headers: e.headers, body: e.body };
};
const wire = (status: number, message: string, withBody = true): WireResponse => ({
  status,
  statusText: message.split('\n')[0],
  headers: { 'content-type': 'application/json;charset=UTF-8' },
  body: withBody ? JSON.stringify({ data: null, message: `${message}\n` }) : '{"data":null}',
});
const REQ = 'GET /nodes/pve/qemu/100/agent/get-osinfo';

test('a Linux agent: the samples give OS, addresses without loopback, and the primary address', () => {
  const os = parseAgentOsInfo(body('agent-get-osinfo-linux'));
  assert.equal(os.prettyName, 'Debian GNU/Linux 12 (bookworm)');
  const ifs = parseAgentInterfaces(body('agent-network-get-interfaces'));
  const shown = addressesOf(ifs).filter((a) => !a.local).map((a) => a.address);
  assert.deepEqual(shown, ['10.1.2.3', 'fd8c:4687:e88d:1be3:5b70:7b88:c79c:293', '10.10.2.3']);
  assert.equal(primaryAddress(ifs), '10.1.2.3', 'eth0 before docker0');
  assert.doesNotThrow(() => agentResult(body('agent-ping'), 'ping'));
});

test('a Windows agent: mswindows OS info, a loopback without MAC, zone-indexed link-local IPv6', () => {
  const os = parseAgentOsInfo({
    result: { id: 'mswindows', name: 'Microsoft Windows', 'pretty-name': 'Windows Server 2022 Datacenter', version: 'Microsoft Windows Server 2022', 'version-id': '2022', variant: 'server', 'variant-id': 'server', 'kernel-release': '20348', 'kernel-version': '10.0', machine: 'x86_64' },
  });
  assert.equal(os.id, 'mswindows');
  assert.equal(os.prettyName, 'Windows Server 2022 Datacenter');
  assert.equal(os.variant, 'server');
  const ifs = parseAgentInterfaces({
    result: [
      { name: 'Ethernet', 'hardware-address': 'bc:24:11:aa:bb:cc', 'ip-addresses': [{ 'ip-address-type': 'ipv6', 'ip-address': 'fe80::be24:11ff:feaa:bbcc%5', prefix: 64 }, { 'ip-address-type': 'ipv4', 'ip-address': '10.0.3.52', prefix: 24 }] },
      { name: 'Loopback Pseudo-Interface 1', 'ip-addresses': [{ 'ip-address-type': 'ipv6', 'ip-address': '::1', prefix: 128 }, { 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 }] },
    ],
  });
  assert.equal(ifs[1].hardwareAddress, undefined);
  const all = addressesOf(ifs);
  assert.deepEqual(all.filter((a) => !a.local).map((a) => a.address), ['10.0.3.52']);
  assert.equal(all.find((a) => a.address.startsWith('fe80'))?.address, 'fe80::be24:11ff:feaa:bbcc', 'the zone index is dropped');
  assert.equal(primaryAddress(ifs), '10.0.3.52');
});

test('many NICs: bridges and veths, interfaces without MAC or address, junk rows skipped; the real NIC is primary', () => {
  const ifs = parseAgentInterfaces({
    result: [
      { name: 'lo', 'hardware-address': '00:00:00:00:00:00', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 }] },
      { name: 'docker0', 'hardware-address': '02:42:8f:1c:9e:01', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '172.17.0.1', prefix: 16 }] },
      { name: 'veth5d6e7f8', 'hardware-address': '6a:1f:00:aa:bb:02' },
      { name: 'wg0', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '10.100.0.7', prefix: 24 }] },
      { name: 'tunl0', 'hardware-address': '' },
      null,
      'garbage',
      { name: 'eth0', 'hardware-address': 'bc:24:11:00:00:53', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '10.0.3.53', prefix: 24 }, { 'ip-address': 'fe80::1' }, {}] },
    ],
  });
  assert.deepEqual(ifs.map((i) => i.name), ['lo', 'docker0', 'veth5d6e7f8', 'wg0', 'tunl0', 'eth0']);
  assert.deepEqual(ifs[2].addresses, []);
  assert.equal(ifs[3].hardwareAddress, undefined);
  assert.equal(ifs[4].hardwareAddress, undefined, 'an empty MAC is no MAC');
  assert.deepEqual(ifs[5].addresses[1], { address: 'fe80::1', prefix: 0, family: 'ipv6' }, 'family from the address when the type is missing');
  assert.equal(primaryAddress(ifs), '10.0.3.53', 'eth0, not docker0 or wg0');
});

test('HTTP 200 with result.error is the agent saying "unsupported", not an answer the extension does not understand', () => {
  const notFound = { result: { error: { class: 'CommandNotFound', desc: 'The command guest-get-osinfo has not been found' } } };
  for (const parse of [() => parseAgentOsInfo(notFound, REQ), () => parseHostName(notFound), () => parseAgentInterfaces(notFound)]) {
    assert.throws(parse, (err: unknown) => {
      assert.ok(err instanceof AgentCommandError, String(err));
      assert.ok(!(err instanceof InvalidResponseError));
      assert.equal(err.unsupported, true);
      assert.equal(err.errorClass, 'CommandNotFound');
      assert.doesNotMatch(err.message, /does not understand|check the URL|port 8006/i);
      assert.match(err.message, /does not support/);
      return true;
    });
  }
  const err = (() => {
    try {
      parseAgentOsInfo(notFound, REQ);
    } catch (e) {
      return e as AgentCommandError;
    }
    return undefined;
  })();
  assert.equal(err?.command, 'get-osinfo');
  assert.equal(err?.request, REQ);
  assert.equal(classifyAgentError(err).state, 'unsupported');
  // A generic error from inside the guest is an agent failure, not "unsupported".
  assert.throws(
    () => parseAgentOsInfo({ result: { error: { class: 'GenericError', desc: 'failed to open /etc/os-release' } } }),
    (e: unknown) => e instanceof AgentCommandError && !e.unsupported && /failed to run 'get-osinfo'/.test(e.message),
  );
});

test('PVE\'s 500s map to the board\'s states, with the sample bodies and with pre-8.4 bodies (reason phrase only)', () => {
  const cases: [WireResponse, string, string | undefined][] = [
    [exchange('error-500-agent-not-configured'), 'not-enabled', undefined],
    [exchange('error-500-agent-vm-not-running'), 'stopped', undefined],
    [exchange('error-500-agent-not-running'), 'not-answering', 'not-running'],
    [exchange('error-500-agent-timeout'), 'not-answering', 'timeout'],
    [wire(500, "VM 100 qmp command 'guest-network-get-interfaces' failed - got timeout", false), 'not-answering', 'timeout'],
    [wire(500, 'QEMU guest agent is not running', false), 'not-answering', 'not-running'],
    [wire(500, "VM 105 qmp command 'guest-get-fsinfo' failed - unsupported command: guest-get-fsinfo"), 'unsupported', undefined],
    [wire(500, "VM 105 qga command 'guest-get-osinfo' failed - The command guest-get-osinfo has not been found"), 'unsupported', undefined],
    [wire(500, "VM 105 qga command 'guest-get-osinfo' failed - this feature or command is not currently supported"), 'unsupported', undefined],
    [wire(500, 'Agent error: Command guest-get-host-name has been disabled'), 'unsupported', undefined],
    [wire(500, 'Agent error: Failed to open file'), 'error', undefined],
    [wire(403, 'Permission check failed (/vms/100, VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted)'), 'no-permission', undefined],
    [wire(403, 'Permission check failed (/vms/100, VM.Monitor)'), 'no-permission', undefined],
    [wire(595, 'Connection refused', false), 'error', undefined],
  ];
  for (const [res, state, reason] of cases) {
    const err = errorFromResponse(res, REQ, { user: 'terraform@pve!opentofu', auth: 'token' });
    const c = classifyAgentError(err);
    assert.equal(c.state, state, `${res.statusText} → ${err.name}`);
    assert.equal(c.reason, reason, res.statusText);
  }
  const unsupported = errorFromResponse(wire(500, "VM 105 qmp command 'guest-get-fsinfo' failed - unsupported command: guest-get-fsinfo"), REQ, undefined);
  assert.ok(unsupported instanceof AgentCommandError);
  assert.equal(unsupported.command, 'get-fsinfo');
  const agentErr = errorFromResponse(wire(500, 'Agent error: Command guest-get-host-name has been disabled'), 'GET /nodes/pve/qemu/100/agent/get-host-name', undefined);
  assert.equal((agentErr as AgentCommandError).command, 'get-host-name', 'the command from the request path');
  const perm = errorFromResponse(wire(403, 'Permission check failed (/vms/100, VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted)'), REQ, { user: 'terraform@pve!opentofu', auth: 'token' });
  assert.match(perm.message, /lacks VM\.GuestAgent\.Audit or VM\.GuestAgent\.Unrestricted on \/vms\/100/);
});

test('each state has the plain-words hint the issue asks for', () => {
  const r = (state: Parameters<typeof hintFor>[0]['state'], extra: Partial<Parameters<typeof hintFor>[0]> = {}) => hintFor({ state, unsupported: [], ...extra });
  assert.match(r('not-answering'), /^agent enabled but not answering: install and start qemu-guest-agent in the guest \(or bake it into the template — clones of this template never answer\)/);
  assert.match(r('not-answering', { clonedFrom: 9002 }), /bake it into template 9002/);
  assert.match(r('not-answering', { reason: 'timeout' }), /^agent enabled but timed out/);
  assert.match(r('not-enabled'), /^agent not enabled: set `agent: 1`/);
  assert.match(r('stopped'), /^VM stopped/);
  assert.match(r('unsupported', { unsupported: ['get-osinfo'] }), /^the agent does not support this command \(get-osinfo\)/);
  assert.match(r('no-permission'), /^token lacks VM\.GuestAgent\.Audit \(PVE 9\) \/ VM\.Monitor \(PVE 8\)/);
  assert.equal(r('answering'), '');
});
