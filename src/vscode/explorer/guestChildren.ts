import type * as vscode from 'vscode';
import { describeTreeError, makeRow, snapshotRowId, snapshotTooltip, type Row } from '../../core/explorer';
import type { PveApi } from '../../core/pve/api';
import type { Guest } from '../../core/pve/types';
import { errorMessage } from '../util/log';
import type { ConnectionSession } from './session';

/** A guest's snapshot rows, read when the guest is expanded and cached in the session until invalidated. */
export async function snapshotRows(s: ConnectionSession, guestRow: Row, api: () => Promise<PveApi>): Promise<Row[]> {
  const cached = s.snapshots.get(guestRow.id);
  if (cached) return cached;
  const guest = s.subtree?.guests.get(guestRow.guestId!);
  if (!guest) return [];
  let rows: Row[];
  try {
    const snaps = await (await api()).snapshots({ node: guest.node, type: guest.type, vmid: guest.vmid });
    rows = snaps
      .filter((x) => x.name !== 'current')
      .sort((a, b) => (a.snaptime ?? 0) - (b.snaptime ?? 0))
      .map((x) =>
        makeRow({
          id: snapshotRowId(guestRow.id, x.name),
          kind: 'snapshot',
          parentId: guestRow.id,
          label: x.name,
          description: [x.snaptime ? new Date(x.snaptime * 1000).toLocaleString() : undefined, x.vmstate ? 'with RAM' : undefined, x.description]
            .filter(Boolean)
            .join(' · '),
          icon: { id: 'history' },
          contextValue: `snapshot ${guest.type}`,
          collapsible: 'none',
          snapshotName: x.name,
          tooltip: snapshotTooltip(x, guest),
          guestId: guest.id,
          node: guest.node,
        }),
      );
    if (rows.length === 0) {
      rows = [
        makeRow({
          id: snapshotRowId(guestRow.id, '(none)'),
          kind: 'message',
          parentId: guestRow.id,
          label: 'No snapshots',
          icon: { id: 'info' },
          contextValue: 'message',
          collapsible: 'none',
          guestId: guest.id,
        }),
      ];
    }
  } catch (err) {
    const te = describeTreeError(err);
    // Not cached: the next expansion tries again.
    return [
      makeRow({
        id: snapshotRowId(guestRow.id, '(error)'),
        kind: 'message',
        parentId: guestRow.id,
        label: `Snapshots unavailable: ${te.label}`,
        icon: { id: 'error', color: 'errorForeground' },
        contextValue: 'message error',
        collapsible: 'none',
        tooltip: te.detail,
      }),
    ];
  }
  s.snapshots.set(guestRow.id, rows);
  return rows;
}

/** Agent addresses of a running VM, cached for a minute; undefined when the agent cannot tell. */
export async function agentAddresses(
  s: ConnectionSession,
  guest: Guest,
  api: () => Promise<PveApi>,
  log: vscode.LogOutputChannel,
  token?: vscode.CancellationToken,
  timeoutMs = 8000,
): Promise<string[] | undefined> {
  if (guest.type !== 'qemu' || guest.status !== 'running' || guest.template) return undefined;
  const cached = s.ips.get(guest.id);
  if (cached && Date.now() - cached.at < 60_000) return cached.ips;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const sub = token?.onCancellationRequested(() => controller.abort());
  try {
    const client = await api();
    const { guestAddresses } = await import('../../core/explorer/links.js');
    const ips = guestAddresses(await client.agentNetworkInterfaces({ node: guest.node, type: guest.type, vmid: guest.vmid }, { signal: controller.signal }));
    s.ips.set(guest.id, { at: Date.now(), ips });
    return ips;
  } catch (err) {
    log.debug(`No agent addresses for ${guest.id}: ${errorMessage(err)}`);
    return undefined;
  } finally {
    clearTimeout(timer);
    sub?.dispose();
  }
}
