import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorRowId, moreRowId, rootIdOf } from '../../../src/core/explorer';
import { Elements } from '../../../src/vscode/explorer/elements';

const LAB = rootIdOf('lab');
const LAB2 = rootIdOf('lab2');

test('a row id has one element object across refreshes, and known() never makes one', () => {
  const elements = new Elements();
  assert.equal(elements.known(LAB), undefined);
  const first = elements.of(LAB);
  assert.equal(elements.of(LAB), first, 'VS Code matches change events by identity');
  assert.equal(elements.known(LAB), first);
  assert.equal(elements.known(errorRowId(LAB)), undefined);
});

test('forget drops the rows that are gone; the next sight makes a new element', () => {
  const elements = new Elements();
  const gone = elements.of(`${LAB}/node/pve1/qemu/100`);
  const kept = elements.of(`${LAB}/node/pve1/qemu/101`);
  elements.forget([gone.id]);
  assert.equal(elements.known(gone.id), undefined);
  assert.equal(elements.known(kept.id), kept);
  assert.notEqual(elements.of(gone.id), gone);
});

test('forgetBelow keeps the row itself and rows of a connection whose id only starts the same', () => {
  const elements = new Elements();
  const root = elements.of(LAB);
  const below = [errorRowId(LAB), `${LAB}/node/pve1`, moreRowId(`${LAB}/node/pve1`)].map((id) => elements.of(id));
  const other = [LAB2, `${LAB2}/node/pve1`].map((id) => elements.of(id));
  elements.forgetBelow(LAB);
  assert.equal(elements.known(LAB), root);
  for (const e of below) assert.equal(elements.known(e.id), undefined, e.id);
  for (const e of other) assert.equal(elements.known(e.id), e, e.id);
});
