/**
 * The IaC language service: validation with exact ranges, hovers, completion, definitions, quick fixes,
 * lens targets and declared guests for iac-driver manifests, the rest of a site-config and talos-cluster.
 * Nix files are delegated to the Nix support passed in (the nix module), when there is one. Each job lives
 * in its own module over the shared state of context.ts.
 */
import type { DeclaredGuest, IacDiagnostic, IacFormat, Pos, Range } from '../iac/types';
import type { CodeFix, CompletionResult, DefinitionResult, FileSource, HoverResult, IacLanguageService, LensTarget, ValidationOptions } from './api';
import { detectFormat } from '../iac/formats';
import { ServiceContext, type LanguageServiceOptions } from './context';
import { validate } from './validation';
import { hover } from './hover';
import { completions } from './completion';
import { definition } from './definition';
import { codeFixes } from './codeFixes';
import { declaredGuests, lensTargets } from './declarations';

export type { LanguageServiceOptions, NixSupport } from './context';
export { schemaKeyFor } from './shared';

export function createLanguageService(files: FileSource, options: LanguageServiceOptions = {}): IacLanguageService {
  return new YamlLanguageService(new ServiceContext(files, options));
}

class YamlLanguageService implements IacLanguageService {
  constructor(private readonly ctx: ServiceContext) {}

  detectFormat(path: string): IacFormat | undefined {
    return detectFormat(path);
  }

  validate(path: string, text: string, options: ValidationOptions = {}): Promise<IacDiagnostic[]> {
    return validate(this.ctx, path, text, options);
  }

  hover(path: string, text: string, pos: Pos): Promise<HoverResult | undefined> {
    return hover(this.ctx, path, text, pos);
  }

  completions(path: string, text: string, pos: Pos): Promise<CompletionResult[]> {
    return completions(this.ctx, path, text, pos);
  }

  definition(path: string, text: string, pos: Pos): Promise<DefinitionResult | undefined> {
    return definition(this.ctx, path, text, pos);
  }

  codeFixes(path: string, text: string, range: Range, diagnostics: readonly IacDiagnostic[]): Promise<CodeFix[]> {
    return codeFixes(this.ctx, path, text, range, diagnostics);
  }

  lensTargets(path: string, text: string): LensTarget[] {
    return lensTargets(this.ctx, path, text);
  }

  declaredGuests(roots: readonly string[]): Promise<DeclaredGuest[]> {
    return declaredGuests(this.ctx, roots);
  }

  invalidate(path: string): void {
    this.ctx.invalidate(path);
  }
}
