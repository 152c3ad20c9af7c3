import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeTreeError, findOfferedEndpoints, normaliseConnectionUrl, guestAddresses, guestTooltip, nextPollDelay, pickGuestAddress, sshArgv, webUiUrl } from '../../../src/core/explorer';
import { AuthenticationError, CertificateChangedError, ConnectionError, parsePermissionText, PermissionError } from '../../../src/core/pve/errors';
import { guest } from './fixtures';

test('errors become tree rows with the fix', () => {
  const perm = describeTreeError(new PermissionError('Permission check failed (/vms/104, VM.Audit)', { user: 'a@pve!t', auth: 'token' }, { status: 403 }));
  assert.equal(perm.kind, 'permission');
  assert.equal(perm.label, 'Missing privilege: VM.Audit on /vms/104');
  const auth = describeTreeError(new AuthenticationError('Authentication failed!', { status: 401 }));
  assert.equal(auth.action?.command, 'proxmoxIac.connections.enterSecret');
  const cert = describeTreeError(new CertificateChangedError('AA:BB', 'CC:DD'));
  assert.equal(cert.kind, 'certificate-changed');
  assert.match(cert.detail, /AA:BB.*CC:DD/);
  assert.equal(describeTreeError(new ConnectionError('ECONNREFUSED', 'ECONNREFUSED')).kind, 'offline');
  assert.equal(describeTreeError(new Error('boom')).kind, 'other');
});

test('an error that carries only the server text is read by the same permission parser as PermissionError', () => {
  const text = Object.assign(new Error('Permission check failed (/vms/104,VM.Audit|VM.Console)'), { status: 403 });
  assert.equal(describeTreeError(text).label, 'Missing privilege: VM.Audit or VM.Console on /vms/104');
  assert.deepEqual(parsePermissionText('Permission check failed (/vms/104,VM.Audit|VM.Console)'), { path: '/vms/104', privileges: ['VM.Audit', 'VM.Console'] });
  assert.deepEqual(parsePermissionText('Permission check failed (/nodes/pve1, Sys.Audit)'), { path: '/nodes/pve1', privileges: ['Sys.Audit'] });
  assert.deepEqual(parsePermissionText('Permission check failed (user != root@pam)'), { privileges: [] });
  assert.equal(describeTreeError(Object.assign(new Error('Permission check failed (user != root@pam)'), { status: 403 })).label, 'Missing privilege: a privilege');
});

test('polling backs off after failures and slows down for slow clusters', () => {
  assert.equal(nextPollDelay(5000, 100, 0), 5200);
  assert.equal(nextPollDelay(5000, 0, 2), 20000);
  assert.equal(nextPollDelay(5000, 0, 50), 5 * 60_000);
});

test('web UI link and SSH argv', () => {
  assert.equal(webUiUrl('https://pve.example:8006', { type: 'qemu', vmid: 100 }), 'https://pve.example:8006/#v1:0:=qemu%2F100');
  assert.equal(webUiUrl('https://pve.example:8006/', { type: 'lxc', vmid: 7 }), 'https://pve.example:8006/#v1:0:=lxc%2F7');
  assert.deepEqual(sshArgv({ user: 'root', host: '10.0.0.5' }), ['--', 'root@10.0.0.5']);
  assert.deepEqual(sshArgv({ host: 'h', port: 2222 }), ['-p', '2222', '--', 'h']);
  assert.throws(() => sshArgv({ host: '-oProxyCommand=x' }), /not a valid SSH host/);
  assert.throws(() => sshArgv({ host: 'a b' }));
});

test('agent addresses: first global IPv4 for SSH, loopback and link-local dropped', () => {
  const ifaces = [
    { name: 'lo', addresses: [{ address: '127.0.0.1', family: 'ipv4' as const }] },
    { name: 'eth0', addresses: [{ address: 'fe80::1', family: 'ipv6' as const }, { address: '10.0.0.5', family: 'ipv4' as const }, { address: '2001:db8::5', family: 'ipv6' as const }] },
  ];
  assert.equal(pickGuestAddress(ifaces), '10.0.0.5');
  assert.deepEqual(guestAddresses(ifaces), ['10.0.0.5', '2001:db8::5']);
});

test('an agent-reported "IP" that is not an IP address never becomes an SSH target or a listed address', () => {
  const hostile = [
    {
      name: 'eth0',
      addresses: [
        { address: 'evil.example.com', family: 'ipv4' as const },
        { address: '-oProxyCommand=touch${IFS}/tmp/x', family: 'ipv4' as const },
        { address: '10.0.0.5 -oProxyCommand=x', family: 'ipv4' as const },
        { address: '[link](command:workbench.action.terminal.new)', family: 'ipv6' as const },
        { address: 'attacker.example:22', family: 'ipv6' as const },
      ],
    },
  ];
  assert.equal(pickGuestAddress(hostile), undefined);
  assert.deepEqual(guestAddresses(hostile), []);
  // A real address next to the junk is still found, and a family mismatch does not pass.
  const mixed = [{ name: 'eth0', addresses: [...hostile[0].addresses, { address: '2001:db8::5', family: 'ipv4' as const }, { address: '192.0.2.7', family: 'ipv4' as const }] }];
  assert.equal(pickGuestAddress(mixed), '192.0.2.7');
  assert.deepEqual(guestAddresses(mixed), ['192.0.2.7']);
});

test('tooltip shows node, human uptime, tags, HA, declaration and IPs', () => {
  const md = guestTooltip(guest(101, { name: 'web', uptime: 874350, tags: ['prod'], hastate: 'started', pool: 'apps' }), {
    ips: ['10.0.0.5'],
    declarations: [{ name: 'web', format: 'hosts-nix', file: '/ws/hosts.nix', range: { start: { line: 41, character: 0 }, end: { line: 41, character: 3 } }, readonly: false }],
  });
  assert.match(md, /Node: pve1/);
  assert.match(md, /Uptime: 10 d 2 h/);
  assert.match(md, /`prod`/);
  assert.match(md, /HA: started/);
  assert.match(md, /hosts\\\.nix:42/);
  assert.match(md, /10\\\.0\\\.0\\\.5/);
});

test('endpoints offered from the example IaC files', () => {
  assert.deepEqual(findOfferedEndpoints('site-config/nodes/father.yaml', 'node: father\napi_endpoint: "https://father.core:8006"\n'), [
    { url: 'https://father.core:8006', name: 'father', source: 'site-config/nodes/father.yaml:2' },
  ]);
  assert.deepEqual(findOfferedEndpoints('nixos-fleet/hosts.nix', '{\n  _proxmox = {\n    host = "192.168.1.12";\n    node = "prom";\n  };\n}'), [
    { url: 'https://192.168.1.12:8006', name: 'prom', source: 'nixos-fleet/hosts.nix:3' },
  ]);
  assert.deepEqual(findOfferedEndpoints('talos/cluster.yaml', 'proxmox_api_url: "https://pve.lan:8006/api2/json"\n# proxmox_api_url: ""\n'), [
    { url: 'https://pve.lan:8006', name: 'pve.lan', source: 'talos/cluster.yaml:1' },
  ]);
});

test('connection URLs are normalised to https://HOST:PORT and anything else is refused', () => {
  assert.equal(normaliseConnectionUrl('pve.lan'), 'https://pve.lan:8006');
  assert.equal(normaliseConnectionUrl(' https://pve.lan:8443/ '), 'https://pve.lan:8443');
  assert.equal(normaliseConnectionUrl('https://pve.lan:8006/api2/json'), 'https://pve.lan:8006');
  assert.equal(normaliseConnectionUrl('[fd00::1]'), 'https://[fd00::1]:8006');
  assert.equal(normaliseConnectionUrl('http://pve.lan:8006'), undefined);
  assert.equal(normaliseConnectionUrl('https://root:pw@pve.lan'), undefined);
  assert.equal(normaliseConnectionUrl(''), undefined);
});
