import type * as vscode from 'vscode';

/** Something that can be cleaned up; matches vscode.Disposable without importing it. */
export interface IDisposable {
  dispose(): void;
}

/** Disposes every item, collecting errors so one failing dispose does not leak the rest. */
export function disposeAll(items: Iterable<IDisposable>): void {
  const errors: unknown[] = [];
  for (const item of items) {
    try {
      item.dispose();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'Several disposables failed to dispose');
}

/**
 * Base class for everything that registers listeners or resources: register them with `_register`
 * and they are released together (the pattern of VS Code's markdown extension, `src/util/dispose.ts`).
 */
export abstract class Disposable implements IDisposable {
  private _isDisposed = false;
  protected readonly _disposables: IDisposable[] = [];

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    disposeAll(this._disposables.splice(0));
  }

  protected _register<T extends IDisposable>(value: T): T {
    if (this._isDisposed) {
      value.dispose();
    } else {
      this._disposables.push(value);
    }
    return value;
  }

  protected get isDisposed(): boolean {
    return this._isDisposed;
  }
}

/** A growable bag of disposables, for scopes shorter than the extension (one connection, one panel). */
export class DisposableStore extends Disposable {
  add<T extends IDisposable>(value: T): T {
    return this._register(value);
  }

  /** Disposes what was added so far and keeps the store usable. */
  clear(): void {
    disposeAll(this._disposables.splice(0));
  }
}

export function toDisposable(fn: () => void): vscode.Disposable {
  return { dispose: fn };
}
