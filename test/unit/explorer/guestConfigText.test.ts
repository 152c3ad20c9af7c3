import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderGuestConfig } from '../../../src/core/explorer/guestConfigText';

test('a guest configuration reads like its file: description as # lines first, then sorted options, no digest', () => {
  const text = renderGuestConfig({
    name: 'web-1',
    memory: '4096',
    digest: '3f2a',
    net0: 'virtio=BC:24:11:5E:7A:01,bridge=vmbr0',
    description: 'Web front end.\nManaged by OpenTofu: 100%.\n',
    scsi0: 'local-lvm:vm-100-disk-0,size=32G',
    cores: 2,
  });
  assert.equal(
    text,
    [
      '#Web front end.',
      '#Managed by OpenTofu: 100%25.',
      'cores: 2',
      'memory: 4096   # 4 GiB',
      'name: web-1',
      'net0: virtio=BC:24:11:5E:7A:01,bridge=vmbr0',
      'scsi0: local-lvm:vm-100-disk-0,size=32G',
      '',
    ].join('\n'),
  );
});

test('a value with a line break stays on its line, so it cannot pose as another option', () => {
  const text = renderGuestConfig({ tags: 'a\nmemory: 1', description: 'one\r\ntwo' });
  assert.equal(text, '#one\n#two\ntags: a%0Amemory: 1\n');
  assert.equal(text.split('\n').filter((l) => l.startsWith('memory')).length, 0);
});

test('no description, no # lines; an empty configuration is one empty line', () => {
  assert.equal(renderGuestConfig({ description: '', cores: 1 }), 'cores: 1\n');
  assert.equal(renderGuestConfig({}), '\n');
});
