/**
 * The guest-agent status board page. The extension sends the board (`board`, see
 * src/core/webviews/agentboard/protocol.ts); the page groups the guests by template (a template whose clones
 * never answer comes first, in warning colours), filters, sorts, hides loopback and link-local addresses
 * unless asked, and answers with `rendered`. Row buttons ask the extension to ping, refresh, open SSH or copy
 * the address. Everything from the server goes in as text, never as HTML.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '../shared/base.css';
import './style.css';
import { addressesOf, primaryAddress } from '../../src/core/agent/addresses';
import { groupByTemplate, matchesFilter, type BoardGroup, type SortKey } from '../../src/core/agent/groups';
import { hintFor, stateLabel, type AgentReport } from '../../src/core/agent/state';
import { isPageState, isSortKey, isToPage, type BoardMessage, type FromPage, type PageState, type RenderedGroup, type RowAction } from '../../src/core/webviews/agentboard/protocol';
import { connectHost, initialState } from '../shared/host';

const host = connectHost<PageState, FromPage>(isPageState);
const initial = initialState();
const initialConnection = typeof initial === 'object' && initial !== null && 'connectionId' in initial && typeof initial.connectionId === 'string' ? initial.connectionId : '';
const state: { -readonly [K in keyof PageState]: PageState[K] } = host.savedState() ?? { connectionId: initialConnection, filter: '', sort: 'vmid', showLocal: false };

const SORTS: [SortKey, string][] = [
  ['vmid', 'VMID'],
  ['name', 'Name'],
  ['state', 'Agent state'],
  ['node', 'Node'],
  ['checked', 'Last checked'],
];

const $ = <T extends Element>(selector: string) => document.querySelector<T>(selector)!;
document.body.innerHTML = `
<div class="toolbar" role="toolbar" aria-label="Guest agents">
  <span class="title" id="title">Guest agents</span>
  <vscode-textfield id="filter" placeholder="Filter: name, VMID, OS, address, state…" aria-label="Filter guests"></vscode-textfield>
  <vscode-single-select id="sort" aria-label="Sort by">${SORTS.map(([k, label]) => `<vscode-option value="${k}">Sort: ${label}</vscode-option>`).join('')}</vscode-single-select>
  <vscode-checkbox id="showLocal" aria-label="Show loopback and link-local addresses">Loopback &amp; link-local</vscode-checkbox>
  <span class="spacer"></span>
  <span class="muted" id="status" aria-live="polite"></span>
  <vscode-button id="refreshAll" secondary>Refresh All</vscode-button>
</div>
<div class="message" id="message" role="status" hidden></div>
<main id="groups" aria-label="Guests by template"></main>`;

const filterField = $<HTMLElement & { value: string }>('#filter');
const sortSelect = $<HTMLElement & { value: string }>('#sort');
const showLocal = $<HTMLElement & { checked: boolean }>('#showLocal');
filterField.value = state.filter;
sortSelect.value = state.sort;
showLocal.checked = state.showLocal;

let board: BoardMessage | undefined;

function saveState(): void {
  host.setState({ ...state });
  host.post({ type: 'stateChanged', state: { ...state } });
}

filterField.addEventListener('input', () => {
  state.filter = filterField.value.slice(0, 200);
  render();
  saveState();
});
sortSelect.addEventListener('change', () => {
  if (isSortKey(sortSelect.value)) state.sort = sortSelect.value;
  render();
  saveState();
});
showLocal.addEventListener('change', () => {
  state.showLocal = showLocal.checked;
  render();
  saveState();
});
$('#refreshAll').addEventListener('click', () => host.post({ type: 'refreshAll' }));
$('#groups').addEventListener('click', (event) => {
  const button = (event.target as Element).closest<HTMLElement>('[data-action]');
  const vmid = Number(button?.dataset.vmid);
  const action = button?.dataset.action as RowAction | undefined;
  if (!button || !action || !Number.isInteger(vmid) || button.hasAttribute('disabled')) return;
  host.post({ type: 'action', action, vmid });
});

host.onMessage(isToPage, (message) => {
  board = message;
  render();
});

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function time(ms: number | undefined): string {
  return ms === undefined ? '—' : new Date(ms).toLocaleTimeString();
}

function shownAddresses(r: AgentReport): string[] {
  return addressesOf(r.interfaces ?? [])
    .filter((a) => state.showLocal || !a.local)
    .map((a) => `${a.address}/${a.prefix}`);
}

function button(action: RowAction, vmid: number, label: string, enabled: boolean, aria: string): HTMLElement {
  const b = document.createElement('vscode-button');
  b.setAttribute('secondary', '');
  b.dataset.action = action;
  b.dataset.vmid = String(vmid);
  b.setAttribute('aria-label', aria);
  if (!enabled) b.setAttribute('disabled', '');
  b.textContent = label;
  return b;
}

const COLUMNS = ['VMID', 'Name', 'Node', 'Agent in config', 'VM', 'Agent', 'OS', 'Host name', 'IP addresses', 'Last checked', ''];

function renderRow(r: AgentReport, checking: boolean, tbody: HTMLTableSectionElement): RenderedGroup['rows'][number] {
  const tr = el('tr', `row state-${r.state}`);
  tr.dataset.vmid = String(r.vmid);
  const addresses = shownAddresses(r);
  const os = r.osName ?? (r.unsupported.includes('get-osinfo') ? 'not reported' : '');
  const hostname = r.hostname ?? (r.unsupported.includes('get-host-name') ? 'not reported' : '');
  const label = checking ? 'checking…' : stateLabel(r.state);
  const cells: (string | HTMLElement)[] = [
    String(r.vmid),
    r.name,
    r.node,
    r.agentEnabled === undefined ? '?' : r.agentEnabled ? 'enabled' : 'not enabled',
    r.status,
    el('span', `badge badge-${r.state}`, label),
    os,
    hostname,
    addresses.join('\n'),
    time(r.checkedAt),
  ];
  for (const c of cells) {
    const td = el('td');
    if (typeof c === 'string') td.textContent = c;
    else td.append(c);
    tr.append(td);
  }
  const actions = el('td', 'actions');
  const ip = primaryAddress(r.interfaces ?? []);
  const running = r.status === 'running';
  actions.append(
    button('ping', r.vmid, 'Ping', running && !checking, `Ping the agent of ${r.name}`),
    button('refresh', r.vmid, 'Refresh', !checking, `Refresh ${r.name}`),
    button('ssh', r.vmid, 'Open SSH Terminal', ip !== undefined, `Open an SSH terminal to ${r.name}`),
    button('copyIp', r.vmid, 'Copy IP', ip !== undefined, `Copy the IP address of ${r.name}`),
  );
  tr.append(actions);
  tbody.append(tr);
  const hint = hintFor(r);
  if (hint) {
    const hr = el('tr', `hint state-${r.state}`);
    const td = el('td', undefined, hint);
    td.colSpan = COLUMNS.length;
    hr.append(td);
    tbody.append(hr);
  }
  return { vmid: r.vmid, name: r.name, state: label, hint, os, hostname, addresses };
}

function renderGroup(g: BoardGroup, checking: ReadonlySet<number>): { section: HTMLElement; rendered: RenderedGroup } {
  const section = el('section', `group${g.neverAnswers ? ' never-answers' : ''}`);
  const title = g.template ? `Template ${g.template.vmid} · ${g.template.name}` : 'Not linked-cloned from a template';
  const header = el('h2', undefined, title);
  section.setAttribute('aria-label', title);
  const summary = el('p', `summary${g.neverAnswers ? ' warning' : ' muted'}`, g.summary);
  section.append(header, summary);
  const table = el('table');
  const head = el('tr');
  for (const c of COLUMNS) head.append(el('th', undefined, c));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  const rows = g.rows.map((r) => renderRow(r, checking.has(r.vmid), tbody));
  table.append(thead, tbody);
  section.append(table);
  return { section, rendered: { title, summary: g.summary, neverAnswers: g.neverAnswers, rows } };
}

function render(): void {
  const container = $<HTMLElement>('#groups');
  const message = $<HTMLElement>('#message');
  if (!board) {
    $('#status').textContent = 'Loading…';
    return;
  }
  $('#title').textContent = `Guest agents · ${board.connection.name}`;
  $('#status').textContent = board.updatedAt ? `Guest list ${time(board.updatedAt)} · checks every ${Math.round(board.intervalMs / 1000)} s while visible` : '';
  message.hidden = board.error === undefined;
  message.textContent = board.error ?? '';
  const reports = board.reports.filter((r) => matchesFilter(r, state.filter));
  const groups = groupByTemplate(reports, board.templates, state.sort);
  const checking = new Set(board.checking);
  const rendered: RenderedGroup[] = [];
  const sections: HTMLElement[] = [];
  for (const g of groups) {
    const { section, rendered: r } = renderGroup(g, checking);
    sections.push(section);
    rendered.push(r);
  }
  if (groups.length === 0) sections.push(el('p', 'empty muted', board.reports.length === 0 ? 'No QEMU guests visible on this connection (or the token lacks VM.Audit).' : `No guest matches "${state.filter}".`));
  container.replaceChildren(...sections);
  host.post({ type: 'rendered', report: { version: board.version, filter: state.filter, sort: state.sort, showLocal: state.showLocal, groups: rendered } });
}

const hadState = host.savedState() !== undefined;
// Saved at once, so the serializer can bring this board back after a reload even if nothing was changed.
host.setState({ ...state });
host.post({ type: 'ready', ...(hadState ? { state: { ...state } } : {}) });
