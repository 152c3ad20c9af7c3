/**
 * The messages between the extension host and the language-service worker (a `worker_threads` Worker).
 * Both directions are discriminated unions on `type`; each side checks what it receives with the guards
 * below before using it, so a bug or a crash half-way through a message never reaches a diagnostic or a
 * hover unchecked. Pure: no `vscode`, no `worker_threads`.
 */
import type { DeclaredGuest, IacDiagnostic, Pos, Range } from '../../iac/types';
import type { CodeFix, CompletionResult, DefinitionResult, HoverResult, LensTarget, LiveCluster } from '../api';

/** What the worker needs to build the service; sent first and again when folders or trust change. */
export interface WorkerConfig {
  readonly env: Readonly<Record<string, string>>;
  readonly workspaceRoots: readonly string[];
  /** Nix files are evaluated (workspace code runs) only in a trusted workspace. */
  readonly trusted: boolean;
}

/** Validation options as plain data (no AbortSignal: cancellation is its own message). */
export interface WireValidationOptions {
  readonly vmidRanges?: readonly (readonly [number, number])[];
  readonly readonlyVmids?: readonly number[];
  readonly declaredGuests?: readonly DeclaredGuest[];
  readonly live?: LiveCluster;
}

/** A request about one file's text; `version` is the editor's document version (absent for files on disk). */
interface FileRequestBase {
  readonly type: 'request';
  readonly id: number;
  readonly path: string;
  readonly text: string;
  readonly version?: number;
}

export type RequestMessage =
  | (FileRequestBase & { readonly method: 'validate'; readonly options: WireValidationOptions })
  | (FileRequestBase & { readonly method: 'hover'; readonly pos: Pos })
  | (FileRequestBase & { readonly method: 'completions'; readonly pos: Pos })
  | (FileRequestBase & { readonly method: 'definition'; readonly pos: Pos })
  | (FileRequestBase & { readonly method: 'codeFixes'; readonly range: Range; readonly diagnostics: readonly IacDiagnostic[] })
  | (FileRequestBase & { readonly method: 'lensTargets' })
  | { readonly type: 'request'; readonly id: number; readonly method: 'declaredGuests'; readonly roots: readonly string[] };

export type RequestMethod = RequestMessage['method'];

/** What each method answers. */
export interface ResultOf {
  validate: IacDiagnostic[];
  hover: HoverResult | undefined;
  completions: CompletionResult[];
  definition: DefinitionResult | undefined;
  codeFixes: CodeFix[];
  lensTargets: LensTarget[];
  declaredGuests: DeclaredGuest[];
}

export type HostMessage =
  | { readonly type: 'configure'; readonly config: WorkerConfig }
  /** An open document's unsaved text: other files' checks read it instead of the disk. */
  | { readonly type: 'document'; readonly path: string; readonly version: number; readonly text: string }
  | { readonly type: 'closeDocument'; readonly path: string }
  | { readonly type: 'invalidate'; readonly path: string }
  /** The guests of the connected cluster (plain data from the explorer), used when a request names none. */
  | { readonly type: 'live'; readonly live: LiveCluster | undefined }
  | RequestMessage
  | { readonly type: 'cancel'; readonly id: number }
  | { readonly type: 'ping'; readonly seq: number }
  /** Test builds only (ignored otherwise): hold the next validation of `path` after computing it (testGate.ts). */
  | { readonly type: 'testHold'; readonly path: string | undefined };

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'response'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly type: 'response'; readonly id: number; readonly ok: false; readonly error: string }
  /** The request was cancelled in the worker (its document changed, or the host asked). */
  | { readonly type: 'cancelled'; readonly id: number }
  | { readonly type: 'pong'; readonly seq: number }
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string };

// ---------------------------------------------------------------------------------------------------------
// Guards

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNat = (v: unknown): v is number => isInt(v) && v >= 0;
const optional = <T>(v: unknown, g: (x: unknown) => x is T): boolean => v === undefined || g(v);
const arrayOf =
  <T>(g: (x: unknown) => x is T) =>
  (v: unknown): v is T[] =>
    Array.isArray(v) && v.every(g);

export function isPos(v: unknown): v is Pos {
  return isRec(v) && isNat(v.line) && isNat(v.character);
}

export function isRange(v: unknown): v is Range {
  return isRec(v) && isPos(v.start) && isPos(v.end);
}

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);
const FORMATS = new Set(['manifest', 'site', 'secrets', 'spec', 'preset', 'posture', 'node', 'host', 'env', 'vm', 'hosts-nix', 'vm-definitions-nix', 'talos-cluster', 'talos-nodes']);

export function isIacDiagnostic(v: unknown): v is IacDiagnostic {
  return (
    isRec(v) &&
    isRange(v.range) &&
    isStr(v.severity) &&
    SEVERITIES.has(v.severity) &&
    isStr(v.message) &&
    isStr(v.code) &&
    (v.data === undefined || (isRec(v.data) && optional(v.data.replacement, isStr)))
  );
}

export function isHoverResult(v: unknown): v is HoverResult {
  return isRec(v) && isStr(v.markdown) && isRange(v.range);
}

const COMPLETION_KINDS = new Set(['value', 'key', 'reference']);
export function isCompletionResult(v: unknown): v is CompletionResult {
  return isRec(v) && isStr(v.label) && optional(v.detail, isStr) && isRange(v.range) && isStr(v.kind) && COMPLETION_KINDS.has(v.kind);
}

export function isDefinitionResult(v: unknown): v is DefinitionResult {
  return isRec(v) && isStr(v.file) && isRange(v.range);
}

const isTextEdit = (v: unknown): v is { range: Range; newText: string } => isRec(v) && isRange(v.range) && isStr(v.newText);
export function isCodeFix(v: unknown): v is CodeFix {
  return isRec(v) && isStr(v.title) && isStr(v.diagnosticCode) && arrayOf(isTextEdit)(v.edits) && optional(v.isPreferred, (x): x is boolean => typeof x === 'boolean');
}

const LENS_KINDS = new Set(['manifest', 'manifest-node', 'nix-host', 'talos-node']);
export function isLensTarget(v: unknown): v is LensTarget {
  return isRec(v) && isRange(v.range) && isStr(v.kind) && LENS_KINDS.has(v.kind) && isStr(v.name);
}

const isBool = (x: unknown): x is boolean => typeof x === 'boolean';
export function isDeclaredGuest(v: unknown): v is DeclaredGuest {
  return (
    isRec(v) &&
    isStr(v.name) &&
    optional(v.vmid, isInt) &&
    isStr(v.format) &&
    FORMATS.has(v.format) &&
    isStr(v.file) &&
    isRange(v.range) &&
    isBool(v.readonly) &&
    optional(v.readonlySource, isStr) &&
    optional(v.template, isBool)
  );
}

function isLiveStorage(v: unknown): v is NonNullable<LiveCluster['storages']>[number] {
  return isRec(v) && isStr(v.node) && isStr(v.storage) && optional(v.content, arrayOf(isStr));
}

function isLiveCluster(v: unknown): v is LiveCluster {
  return (
    isRec(v) &&
    Array.isArray(v.guests) &&
    v.guests.every((g) => isRec(g) && isInt(g.vmid) && isStr(g.name) && isStr(g.node)) &&
    optional(v.nodes, arrayOf(isStr)) &&
    optional(v.storages, arrayOf(isLiveStorage)) &&
    optional(v.bridges, (b): b is NonNullable<LiveCluster['bridges']> => isRec(b) && Object.values(b).every(arrayOf(isStr)))
  );
}

const isVmidRange = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && isInt(v[0]) && isInt(v[1]);
export function isWireValidationOptions(v: unknown): v is WireValidationOptions {
  return (
    isRec(v) &&
    optional(v.vmidRanges, arrayOf(isVmidRange)) &&
    optional(v.readonlyVmids, arrayOf(isInt)) &&
    optional(v.declaredGuests, arrayOf(isDeclaredGuest)) &&
    optional(v.live, isLiveCluster)
  );
}

/** Checks a method's result; `undefined` stands for "not an answer of that shape". */
export const RESULT_GUARDS: { readonly [M in RequestMethod]: (v: unknown) => v is ResultOf[M] } = {
  validate: arrayOf(isIacDiagnostic),
  hover: (v): v is HoverResult | undefined => v === undefined || isHoverResult(v),
  completions: arrayOf(isCompletionResult),
  definition: (v): v is DefinitionResult | undefined => v === undefined || isDefinitionResult(v),
  codeFixes: arrayOf(isCodeFix),
  lensTargets: arrayOf(isLensTarget),
  declaredGuests: arrayOf(isDeclaredGuest),
};

export function isResultOf<M extends RequestMethod>(method: M, v: unknown): v is ResultOf[M] {
  return RESULT_GUARDS[method](v);
}

function isWorkerConfig(v: unknown): v is WorkerConfig {
  return isRec(v) && isRec(v.env) && Object.values(v.env).every(isStr) && arrayOf(isStr)(v.workspaceRoots) && isBool(v.trusted);
}

function isRequest(v: Rec): v is Rec & RequestMessage {
  if (!isNat(v.id)) return false;
  if (v.method === 'declaredGuests') return arrayOf(isStr)(v.roots);
  if (!isStr(v.path) || !isStr(v.text) || !optional(v.version, isInt)) return false;
  switch (v.method) {
    case 'validate':
      return isWireValidationOptions(v.options);
    case 'hover':
    case 'completions':
    case 'definition':
      return isPos(v.pos);
    case 'codeFixes':
      return isRange(v.range) && arrayOf(isIacDiagnostic)(v.diagnostics);
    case 'lensTargets':
      return true;
    default:
      return false;
  }
}

/** What the worker accepts from the host. */
export function isHostMessage(v: unknown): v is HostMessage {
  if (!isRec(v)) return false;
  switch (v.type) {
    case 'configure':
      return isWorkerConfig(v.config);
    case 'document':
      return isStr(v.path) && isInt(v.version) && isStr(v.text);
    case 'closeDocument':
    case 'invalidate':
      return isStr(v.path);
    case 'live':
      return optional(v.live, isLiveCluster);
    case 'request':
      return isRequest(v);
    case 'cancel':
      return isNat(v.id);
    case 'ping':
      return isNat(v.seq);
    case 'testHold':
      return optional(v.path, isStr);
    default:
      return false;
  }
}

/** What the host accepts from the worker (a response's result is checked against its method separately). */
export function isWorkerMessage(v: unknown): v is WorkerMessage {
  if (!isRec(v)) return false;
  switch (v.type) {
    case 'ready':
      return true;
    case 'response':
      return isNat(v.id) && (v.ok === true ? 'result' in v : v.ok === false && isStr(v.error));
    case 'cancelled':
      return isNat(v.id);
    case 'pong':
      return isNat(v.seq);
    case 'log':
      return (v.level === 'info' || v.level === 'warn' || v.level === 'error') && isStr(v.message);
    default:
      return false;
  }
}
