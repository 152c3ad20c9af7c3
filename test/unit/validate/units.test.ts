import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withUnit } from '../../../src/core/validate/units';

test('hover figures carry the unit iac-driver and PVE read them in', () => {
  assert.equal(withUnit('memory', 2048), '2048 MiB');
  assert.equal(withUnit('resources.memory', '4096'), '4096 MiB');
  assert.equal(withUnit('disk', 40), '40 GiB');
  assert.equal(withUnit('disk', '64G'), '64G', 'a size that carries its own unit is shown as written');
  assert.equal(withUnit('cores', 2), '2');
  assert.equal(withUnit('name', 'edge'), 'edge');
  assert.equal(withUnit('packages', ['git', 'vim']), 'git, vim');
});
