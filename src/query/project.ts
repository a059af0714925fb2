/**
 * Projection (BEHAVIOR.md §6.4 `rowSubsetByFieldDefs`): each requested path's value is
 * copied into a new row — a prefix path copies the whole sub-object, a null leaf is copied
 * as null, a path that does not resolve is omitted — rebuilding nested objects and merging
 * paths that share a root.
 */
import type { Row, Value } from '../schema/values.ts';
import { hasField, isPlainObjectValue, setField } from '../schema/values.ts';
import { valueAt } from './predicate.ts';

export function projectRow(row: Row, paths: readonly (readonly string[])[]): Row {
  const out: Row = {};
  // Objects built here; any other object in `out` is a stored value copied whole by a
  // prefix path — it already holds the deeper path and must never be written into.
  const made = new Set<object>([out]);
  next: for (const path of paths) {
    const v = valueAt(row, path);
    if (v === undefined) continue;
    let target: { [k: string]: Value } = out;
    for (let i = 0; i < path.length - 1; i++) {
      const seg = path[i]!;
      const existing = hasField(target, seg) ? target[seg] : undefined;
      if (isPlainObjectValue(existing)) {
        if (!made.has(existing)) continue next;
        target = existing;
      } else {
        const fresh: { [k: string]: Value } = {};
        made.add(fresh);
        setField(target, seg, fresh);
        target = fresh;
      }
    }
    setField(target, path[path.length - 1]!, v);
  }
  return out;
}
