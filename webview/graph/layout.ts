/**
 * Layout with ELK (elkjs, its single-file build: no worker file to serve under the CSP). It runs here in the
 * page, not in the extension host: a large graph takes long enough to lay out that the extension host (which
 * also serves the explorer, diagnostics and lenses) must not do it.
 */
import ELK, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { GraphView } from '../../src/core/graph/graphView';
import { elkInputOf, LAYOUT_OPTIONS } from '../../src/core/graph/layoutInput';

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Layout {
  readonly boxes: Map<string, Box>;
  readonly width: number;
  readonly height: number;
}

let elk: InstanceType<typeof ELK> | undefined;

/** Runs one tiny layout so ELK's one-time set-up is done before the first real graph arrives. */
export async function warmUp(): Promise<void> {
  elk ??= new ELK();
  await elk.layout({ id: 'warm-up', layoutOptions: LAYOUT_OPTIONS, children: [{ id: 'a', width: 10, height: 10 }, { id: 'b', width: 10, height: 10 }], edges: [{ id: 'e', sources: ['a'], targets: ['b'] }] }).catch(() => undefined);
}

export async function layoutGraph(view: GraphView): Promise<Layout> {
  elk ??= new ELK();
  const input: ElkNode = elkInputOf(view);
  const out = await elk.layout(input);
  const boxes = new Map<string, Box>();
  for (const c of out.children ?? []) boxes.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 });
  return { boxes, width: out.width ?? 0, height: out.height ?? 0 };
}
