// esbuild bundles a page's imported CSS into dist/webview/<name>.css.
declare module '*.css';
