import type { Metafile, Plugin } from 'esbuild';
export declare const browserSiblings: Plugin;
export declare function nodeBuiltinImports(metafile: Metafile): string[];
