import type { DeclaredGuest, IacDiagnostic, IacFormat, LiveInventory, Pos, Range } from '../iac/types';
import type { ReadOutcome } from '../fs/boundedRead';

/**
 * File access for the language service. The VS Code layer serves open documents' unsaved text first and
 * the disk otherwise; the CLI and tests read the disk. Paths are absolute.
 */
export interface FileSource {
  readFile(path: string): Promise<string | undefined>;
  /**
   * The text or why there is none: sources over the disk refuse what is not a regular file or is too large
   * (core/fs/boundedRead), and the checks say so on the file that refers to it. Optional for in-memory sources.
   */
  read?(path: string): Promise<ReadOutcome>;
  /** Names (not paths) of the entries of a directory; [] when it does not exist. */
  listDir(path: string): Promise<string[]>;
}

/** What a live connection contributes to validation (optional). */
export interface LiveCluster extends LiveInventory {
  /** Plain data (it may cross to a worker thread): each live guest's VMID, name, node and whether it is a template. */
  readonly guests: readonly { readonly vmid: number; readonly name: string; readonly node: string; readonly template?: boolean }[];
}

export interface ValidationOptions {
  /** Allowed VMID ranges (inclusive), e.g. [[100, 9999]]. Empty: no range check. */
  readonly vmidRanges?: readonly (readonly [number, number])[];
  readonly live?: LiveCluster;
  /** Extra read-only VMIDs from settings. */
  readonly readonlyVmids?: readonly number[];
  /**
   * Guests the workspace declares (from `declaredGuests`); those with `readonly` make a manifest that would
   * modify their VMID an error. Optional: the caller refreshes it when the declaring files change.
   */
  readonly declaredGuests?: readonly DeclaredGuest[];
  /** Cancel long work (Nix evaluation). */
  readonly signal?: AbortSignal;
}

export interface HoverResult {
  readonly markdown: string;
  readonly range: Range;
}

export interface CompletionResult {
  readonly label: string;
  readonly detail?: string;
  /** The text range the completion replaces. */
  readonly range: Range;
  readonly kind: 'value' | 'key' | 'reference';
}

export interface DefinitionResult {
  readonly file: string;
  readonly range: Range;
}

/** One edit of a quick fix or rewrite, in the file being edited. */
export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

export interface CodeFix {
  readonly title: string;
  readonly diagnosticCode: string;
  readonly edits: readonly TextEdit[];
  readonly isPreferred?: boolean;
}

/** A spot for a code lens ("Plan this node"), with what it refers to. */
export interface LensTarget {
  readonly range: Range;
  readonly kind: 'manifest' | 'manifest-node' | 'nix-host' | 'talos-node';
  readonly name: string;
}

/**
 * The IaC language service: everything the editor features and the CLI ask about IaC files.
 * Never throws for bad input: a broken file yields diagnostics.
 */
export interface IacLanguageService {
  detectFormat(path: string): IacFormat | undefined;
  validate(path: string, text: string, options?: ValidationOptions): Promise<IacDiagnostic[]>;
  hover(path: string, text: string, pos: Pos): Promise<HoverResult | undefined>;
  completions(path: string, text: string, pos: Pos): Promise<CompletionResult[]>;
  definition(path: string, text: string, pos: Pos): Promise<DefinitionResult | undefined>;
  /** Quick fixes for the diagnostics that overlap `range`. */
  codeFixes(path: string, text: string, range: Range, diagnostics: readonly IacDiagnostic[]): Promise<CodeFix[]>;
  lensTargets(path: string, text: string): LensTarget[];
  /** Every guest the IaC files under `roots` declare. */
  declaredGuests(roots: readonly string[]): Promise<DeclaredGuest[]>;
  /** Forget cached site-config state for a changed file. */
  invalidate(path: string): void;
}
