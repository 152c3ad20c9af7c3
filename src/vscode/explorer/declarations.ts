import type { DeclaredGuest } from '../../core/iac/types';
import { errorMessage } from '../util/log';

/** A source of declared guests (the IaC language service), or undefined when unavailable. */
export type DeclaredSource = () => Promise<readonly DeclaredGuest[] | undefined>;

/** The workspace's declared guests, loaded once and kept until the IaC files change. */
export class Declarations {
  private loading: Promise<readonly DeclaredGuest[] | undefined> | undefined;
  /** The settled value, so a rebuild (filter, grouping) can run synchronously. */
  private settled: { readonly value: readonly DeclaredGuest[] | undefined } | undefined;

  constructor(
    private readonly source: DeclaredSource,
    private readonly warn: (message: string) => void,
  ) {}

  get(): Promise<readonly DeclaredGuest[] | undefined> {
    if (!this.loading) {
      const loading = this.source().catch((err: unknown) => {
        this.warn(`IaC correlation unavailable: ${errorMessage(err)}`);
        return undefined;
      });
      this.loading = loading;
      void loading.then((value) => {
        if (this.loading === loading) this.settled = { value };
      });
    }
    return this.loading;
  }

  /** The loaded value, or undefined while loading (or never asked). */
  now(): { readonly value: readonly DeclaredGuest[] | undefined } | undefined {
    return this.settled;
  }

  invalidate(): void {
    this.loading = undefined;
    this.settled = undefined;
  }
}
