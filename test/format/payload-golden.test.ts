/**
 * The payload codecs against the Rust engine's golden files: every Schema, Record and Index
 * payload (and those embedded in checkpoints) decodes, re-encodes to identical bytes where
 * the reference's writer is deterministic, and the decoded catalog and rows equal the
 * `expected` state recorded by the reference.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCatalogRecord, encodeCatalogRecord } from '../../src/format/catalog.ts';
import { decodeIndexPayload, encodeIndexPayload } from '../../src/format/index-payload.ts';
import { decodeRecord, encodeRecord, peekRecordHeader, type RecordLayout } from '../../src/format/record.ts';
import type { Constraint, FieldDef, IndexDef, Type } from '../../src/schema/types.ts';
import type { Row, Value } from '../../src/schema/values.ts';
import { hex } from './payload-helpers.ts';

const GOLDEN = '/work/shared/golden';

interface Seg {
  offset: number;
  type: number;
  payload: Uint8Array;
}

/** Minimal framing walk (the framing codecs are tested elsewhere): stops at a torn tail. */
function segmentsOf(file: Uint8Array): Seg[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Seg[] = [];
  let off = 8224;
  while (file.length - off >= 32) {
    if (view.getUint32(off, true) !== 0x30475354) break; // "TSG0"
    const type = view.getUint16(off + 6, true);
    const len = Number(view.getBigUint64(off + 12, true));
    if (len > file.length - off - 32) break;
    out.push({ offset: off, type, payload: file.subarray(off + 32, off + 32 + len) });
    off += 32 + len;
  }
  return out;
}

function checkpointParts(p: Uint8Array): { catalog: Uint8Array[]; records: Uint8Array[]; index: Uint8Array } {
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  let at = 10;
  const take = (): Uint8Array => {
    const n = view.getUint32(at, true);
    const b = p.subarray(at + 4, at + 4 + n);
    at += 4 + n;
    return b;
  };
  const list = (): Uint8Array[] => {
    const n = view.getUint32(at, true);
    at += 4;
    return Array.from({ length: n }, take);
  };
  const catalog = list();
  const records = list();
  return { catalog, records, index: take() };
}

// --- JSON (golden) → schema shapes ---------------------------------------------------------

const f64FromBits = (bits: string): number => {
  const d = new DataView(new ArrayBuffer(8));
  d.setBigUint64(0, BigInt(`0x${bits}`));
  return d.getFloat64(0);
};

function jsonType(t: unknown): Type {
  if (typeof t === 'string') return t as Type;
  const o = t as Record<string, unknown>;
  if ('optional' in o) return { optional: jsonType(o.optional) };
  if ('list' in o) return { list: jsonType(o.list) };
  if ('enum' in o) return { enum: o.enum as string[] };
  return { object: (o.object as unknown[]).map(jsonField) };
}

function jsonConstraint(c: { kind: string; value?: unknown }): Constraint {
  if (c.kind === 'min_f64' || c.kind === 'max_f64') {
    return { kind: c.kind, value: f64FromBits((c.value as { bits: string }).bits) };
  }
  if (c.kind === 'regex') return { kind: 'regex', value: c.value as string };
  if (c.value === undefined) return { kind: c.kind } as Constraint;
  return { kind: c.kind, value: BigInt(c.value as string) } as Constraint;
}

function jsonField(f: unknown): FieldDef {
  const o = f as { path: string[]; type: unknown; constraints: { kind: string; value?: unknown }[] };
  return { path: o.path, type: jsonType(o.type), constraints: o.constraints.map(jsonConstraint) };
}

// --- decoded values → golden tagged JSON (float text dropped: bits are authoritative) ------

const hexOf = (b: Uint8Array): string => hex(b);
const uuidText = (b: Uint8Array): string => {
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

function tagged(t: Type, v: Value): unknown {
  if (v === null) return null;
  if (typeof t === 'string') {
    switch (t) {
      case 'float64': {
        const d = new DataView(new ArrayBuffer(8));
        d.setFloat64(0, v as number);
        return { bits: d.getBigUint64(0).toString(16).padStart(16, '0') };
      }
      case 'bytes':
        return { bytes: hexOf(v as Uint8Array) };
      case 'uuid':
        return { uuid: uuidText(v as Uint8Array) };
      case 'int64':
      case 'uint64':
      case 'timestamp':
        return { [t]: (v as bigint).toString() };
      default:
        return { [t]: v };
    }
  }
  if ('optional' in t) return tagged(t.optional, v);
  if ('list' in t) return { list: (v as Value[]).map((x) => tagged(t.list, x)) };
  if ('enum' in t) return { string: v };
  return { object: taggedFields(t.object, v as Row) };
}

/** Groups (possibly multi-segment) fields into the nested object shape of a row. */
function taggedFields(fields: readonly FieldDef[], row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const groups = new Map<string, FieldDef[]>();
  for (const f of fields) {
    const head = f.path[0]!;
    if (f.path.length === 1) {
      if (Object.prototype.hasOwnProperty.call(row, head)) out[head] = tagged(f.type, row[head]!);
    } else {
      const g = groups.get(head) ?? [];
      g.push({ ...f, path: f.path.slice(1) });
      groups.set(head, g);
    }
  }
  for (const [head, sub] of groups) {
    if (Object.prototype.hasOwnProperty.call(row, head)) out[head] = { object: taggedFields(sub, row[head] as Row) };
  }
  return out;
}

function stripFloatText(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripFloatText);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('float64' in o && 'bits' in o) return { bits: o.bits };
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = stripFloatText(x);
    return out;
  }
  return v;
}

// --- the walk --------------------------------------------------------------------------

interface Coll {
  id: number;
  name: string;
  primaryField: string | null;
  versions: Map<number, { fields: FieldDef[]; indexes: IndexDef[] }>;
  current: number;
  rows: Map<string, Row>;
}

const scenarios = readdirSync(GOLDEN)
  .filter((n) => n.endsWith('.typra'))
  .map((n) => n.slice(0, -'.typra'.length));

describe('payload codecs on the reference golden files', () => {
  it('finds the golden set', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(29);
  });

  for (const name of scenarios) {
    it(name, () => {
      const file = new Uint8Array(readFileSync(join(GOLDEN, `${name}.typra`)));
      const meta = JSON.parse(readFileSync(join(GOLDEN, `${name}.json`), 'utf8'));
      const colls = new Map<number, Coll>();
      let pending: Seg[] = [];
      let inFrame = false;
      let decodedPayloads = 0;

      const applySchema = (payload: Uint8Array): void => {
        const rec = decodeCatalogRecord(payload);
        expect(hex(encodeCatalogRecord(rec))).toBe(hex(payload));
        if (rec.kind === 'create') {
          colls.set(rec.collectionId, {
            id: rec.collectionId,
            name: rec.name,
            primaryField: rec.primaryField,
            versions: new Map([[rec.schemaVersion, { fields: rec.fields, indexes: rec.indexes }]]),
            current: rec.schemaVersion,
            rows: new Map(),
          });
        } else {
          const c = colls.get(rec.collectionId)!;
          c.versions.set(rec.schemaVersion, { fields: rec.fields, indexes: rec.indexes });
          c.current = rec.schemaVersion;
        }
        decodedPayloads++;
      };

      const applyRecord = (payload: Uint8Array, reencode: boolean): void => {
        const head = peekRecordHeader(payload);
        const c = colls.get(head.collectionId)!;
        const version = c.versions.get(head.schemaVersion)!;
        const pkField = version.fields.find((f) => f.path.length === 1 && f.path[0] === c.primaryField)!;
        const layout: RecordLayout = {
          collectionId: c.id,
          primaryField: c.primaryField!,
          pkType: pkField.type,
          fields: version.fields,
        };
        const rec = decodeRecord(payload, layout);
        expect(rec.schemaVersion).toBe(head.schemaVersion);
        if (reencode && rec.version !== 1) {
          const again = encodeRecord(layout, rec.op as 1 | 2 | 3, rec.schemaVersion, rec.pk, rec.row);
          expect(hex(again)).toBe(hex(payload));
        }
        const key = JSON.stringify(tagged(pkField.type, rec.pk));
        if (rec.op === 3) c.rows.delete(key);
        else c.rows.set(key, rec.row!);
        decodedPayloads++;
      };

      const applyIndex = (payload: Uint8Array): void => {
        const entries = decodeIndexPayload(payload);
        if (payload[0] === 2) expect(hex(encodeIndexPayload(entries))).toBe(hex(payload));
        decodedPayloads++;
      };

      const apply = (s: Seg): void => {
        if (s.type === 1) applySchema(s.payload);
        else if (s.type === 2) applyRecord(s.payload, true);
        else if (s.type === 5) applyIndex(s.payload);
      };

      for (const s of segmentsOf(file)) {
        if (s.type === 6) {
          inFrame = true;
          pending = [];
        } else if (s.type === 7) {
          for (const p of pending) apply(p);
          inFrame = false;
          pending = [];
        } else if (s.type === 8) {
          inFrame = false;
          pending = [];
        } else if (s.type === 4) {
          // Checkpoint contents are a re-encoding of earlier log state; decode them all.
          const parts = checkpointParts(s.payload);
          for (const c of parts.catalog) {
            const rec = decodeCatalogRecord(c);
            expect(hex(encodeCatalogRecord(rec))).toBe(hex(c));
            decodedPayloads++;
          }
          for (const r of parts.records) {
            const head = peekRecordHeader(r);
            const c = colls.get(head.collectionId)!;
            const version = c.versions.get(head.schemaVersion)!;
            const pkField = version.fields.find((f) => f.path.length === 1 && f.path[0] === c.primaryField)!;
            decodeRecord(r, { collectionId: c.id, primaryField: c.primaryField!, pkType: pkField.type, fields: version.fields });
            decodedPayloads++;
          }
          decodeIndexPayload(parts.index);
        } else if (inFrame) pending.push(s);
        else apply(s); // legacy unframed logs
      }

      const usePort = name === 'multiseg_checkpoint' || meta.expected === null;
      const expected = (usePort ? meta.expected_port : meta.expected) as
        | { id: number; name: string; primary_field: string | null; fields: unknown[]; indexes: IndexDef[]; rows: Row[] }[];
      expect(colls.size).toBe(expected.length);
      for (const exp of expected) {
        const c = colls.get(exp.id)!;
        expect(c.name).toBe(exp.name);
        expect(c.primaryField).toBe(exp.primary_field);
        const cur = c.versions.get(c.current)!;
        expect(cur.fields).toEqual(exp.fields.map(jsonField));
        expect(cur.indexes).toEqual(exp.indexes);
        const pk = c.primaryField!;
        const got: Record<string, unknown> = {};
        for (const stored of c.rows.values()) {
          const row = { ...stored }; // decoded rows are frozen
          // The port materialises rows against the current schema (golden README).
          if (usePort) {
            for (const f of cur.fields) {
              if (f.path.length === 1 && !(f.path[0]! in row) && typeof f.type === 'object' && 'optional' in f.type) {
                row[f.path[0]!] = null;
              }
            }
          }
          const t = taggedFields(cur.fields, row);
          got[JSON.stringify(t[pk])] = t;
        }
        const want: Record<string, unknown> = {};
        for (const row of exp.rows) {
          const t = stripFloatText(row) as Record<string, unknown>;
          want[JSON.stringify(t[pk])] = t;
        }
        expect(got).toEqual(want);
      }
      if (name !== 'empty') expect(decodedPayloads).toBeGreaterThan(0);
    });
  }
});
