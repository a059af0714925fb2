// Browser entry point: the same API as index.ts. The browser build (scripts/build.mjs)
// replaces every module that has a `*.browser.ts` sibling with that sibling (e.g.
// src/fs/default.ts → default.browser.ts), and fails if any `node:` import remains.
export * from './index.ts';
