/**
 * The guest-agent status board's messages, both directions, with a guard for each. Pure: the extension
 * (src/vscode/webviews/agentboard/) and the page (webview/agentboard/) import it. Every incoming message passes
 * its guard first; one that does not is ignored and logged.
 */
import type { TemplateInfo, SortKey } from '../../agent/groups';
import { AGENT_STATES, type AgentReport } from '../../agent/state';
import type { AgentInterface } from '../../pve/types';
import { isWebviewLogMessage, type WebviewLogMessage } from '../common';
import { isArrayOf, isBoolean, isFiniteNumber, isOneOf, isOptional, isRecord, isString } from '../guards';

export const AGENT_BOARD_VIEW_TYPE = 'proxmoxIac.agentBoard';

export type RowAction = 'ping' | 'refresh' | 'ssh' | 'copyIp';
export const isRowAction = isOneOf(['ping', 'refresh', 'ssh', 'copyIp'] as const);
export const isSortKey = isOneOf(['vmid', 'name', 'state', 'node', 'checked'] as const satisfies readonly SortKey[]);

export interface BoardMessage {
  readonly type: 'board';
  /** Grows with each update; `rendered` answers with it. */
  readonly version: number;
  readonly connection: { readonly id: string; readonly name: string };
  readonly reports: readonly AgentReport[];
  readonly templates: readonly TemplateInfo[];
  /** VMIDs being checked right now. */
  readonly checking: readonly number[];
  /** The guest list could not be read: why. */
  readonly error?: string;
  readonly updatedAt?: number;
  readonly intervalMs: number;
}

/** extension → page */
export type ToPage = BoardMessage;

/** page → extension */
export type FromPage =
  /** The page loaded; `state` is what it kept from before (a reload, or the panel hidden and shown). */
  | { readonly type: 'ready'; readonly state?: PageState }
  | { readonly type: 'action'; readonly action: RowAction; readonly vmid: number }
  | { readonly type: 'refreshAll' }
  | { readonly type: 'rendered'; readonly report: RenderReport }
  | { readonly type: 'stateChanged'; readonly state: PageState }
  | WebviewLogMessage;

/** What the page keeps across reloads (getState/setState) and the serializer hands back. */
export interface PageState {
  readonly connectionId: string;
  readonly filter: string;
  readonly sort: SortKey;
  /** Show loopback and link-local addresses too. */
  readonly showLocal: boolean;
}

/** What the page drew, so tests check content through the protocol. */
export interface RenderReport {
  readonly version: number;
  readonly filter: string;
  readonly sort: SortKey;
  readonly showLocal: boolean;
  readonly groups: readonly RenderedGroup[];
}

export interface RenderedGroup {
  readonly title: string;
  readonly summary: string;
  readonly neverAnswers: boolean;
  readonly rows: readonly RenderedRow[];
}

export interface RenderedRow {
  readonly vmid: number;
  readonly name: string;
  readonly state: string;
  readonly hint: string;
  readonly os: string;
  readonly hostname: string;
  readonly addresses: readonly string[];
}

const MAX_TEXT = 4096;
const isText = (v: unknown): v is string => isString(v) && v.length <= MAX_TEXT;
const isVmid = (v: unknown): v is number => isFiniteNumber(v) && Number.isInteger(v) && v >= 1 && v <= 999_999_999;

export function isPageState(v: unknown): v is PageState {
  return isRecord(v) && isString(v.connectionId) && v.connectionId.length <= 256 && isText(v.filter) && isSortKey(v.sort) && isBoolean(v.showLocal);
}

function isRenderedRow(v: unknown): v is RenderedRow {
  return (
    isRecord(v) &&
    isVmid(v.vmid) &&
    isText(v.name) &&
    isText(v.state) &&
    isText(v.hint) &&
    isText(v.os) &&
    isText(v.hostname) &&
    isArrayOf(isText, 1000)(v.addresses)
  );
}

function isRenderedGroup(v: unknown): v is RenderedGroup {
  return isRecord(v) && isText(v.title) && isText(v.summary) && isBoolean(v.neverAnswers) && isArrayOf(isRenderedRow, 100_000)(v.rows);
}

function isRenderReport(v: unknown): v is RenderReport {
  return isRecord(v) && isFiniteNumber(v.version) && isText(v.filter) && isSortKey(v.sort) && isBoolean(v.showLocal) && isArrayOf(isRenderedGroup, 100_000)(v.groups);
}

export function isFromPage(v: unknown): v is FromPage {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
      return isOptional(isPageState)(v.state);
    case 'action':
      return isRowAction(v.action) && isVmid(v.vmid);
    case 'refreshAll':
      return true;
    case 'rendered':
      return isRenderReport(v.report);
    case 'stateChanged':
      return isPageState(v.state);
    case 'log':
      return isWebviewLogMessage(v);
    default:
      return false;
  }
}

const isFamily = isOneOf(['ipv4', 'ipv6'] as const);

function isInterface(v: unknown): v is AgentInterface {
  return (
    isRecord(v) &&
    isText(v.name) &&
    isOptional(isText)(v.hardwareAddress) &&
    isArrayOf((a: unknown): a is AgentInterface['addresses'][number] => isRecord(a) && isText(a.address) && isFiniteNumber(a.prefix) && isFamily(a.family), 1000)(v.addresses)
  );
}

export function isAgentReport(v: unknown): v is AgentReport {
  return (
    isRecord(v) &&
    isVmid(v.vmid) &&
    isText(v.node) &&
    isText(v.name) &&
    isText(v.status) &&
    isOptional(isBoolean)(v.agentEnabled) &&
    isOptional(isVmid)(v.clonedFrom) &&
    isOneOf(AGENT_STATES)(v.state) &&
    isOptional(isText)(v.detail) &&
    isOptional(isOneOf(['timeout', 'not-running'] as const))(v.reason) &&
    isArrayOf(isText, 100)(v.unsupported) &&
    isOptional(isText)(v.osName) &&
    isOptional(isText)(v.osId) &&
    isOptional(isText)(v.hostname) &&
    isOptional(isArrayOf(isInterface, 1000))(v.interfaces) &&
    isOptional(isFiniteNumber)(v.checkedAt) &&
    isFiniteNumber(v.misses)
  );
}

const isTemplateInfo = (v: unknown): v is TemplateInfo => isRecord(v) && isVmid(v.vmid) && isText(v.name) && isText(v.node);

export function isToPage(v: unknown): v is ToPage {
  return (
    isRecord(v) &&
    v.type === 'board' &&
    isFiniteNumber(v.version) &&
    isRecord(v.connection) &&
    isText(v.connection.id) &&
    isText(v.connection.name) &&
    isArrayOf(isAgentReport, 100_000)(v.reports) &&
    isArrayOf(isTemplateInfo, 100_000)(v.templates) &&
    isArrayOf(isVmid, 100_000)(v.checking) &&
    isOptional(isText)(v.error) &&
    isOptional(isFiniteNumber)(v.updatedAt) &&
    isFiniteNumber(v.intervalMs)
  );
}
