/**
 * The catalog state machine (FORMAT.md §6.11): collections by id and by name, applied one
 * catalog record at a time. Unlike the reference it also keeps every schema version's field
 * list (from the CreateCollection and NewSchemaVersion records), so a record written under
 * an older version can be decoded with the fields it was written with.
 */
import { schemaError } from '../errors.ts';
import type { CatalogRecord } from '../format/catalog.ts';
import { MAX_NAME_BYTES } from '../format/catalog.ts';
import { utf8Length } from '../format/bytes.ts';
import { findTopLevelField, validateFieldList } from '../schema/field-paths.ts';
import type { CollectionDef, FieldDef, IndexDef } from '../schema/types.ts';

const U32_MAX = 0xffff_ffff;

export interface CollectionState extends CollectionDef {
  /** Field list of every schema version 1..schemaVersion (index = version − 1). */
  readonly history: readonly (readonly FieldDef[])[];
}

export class Catalog {
  private readonly byId = new Map<number, CollectionState>();
  private readonly idsByName = new Map<string, number>();
  private next = 1;

  get nextId(): number {
    return this.next;
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: number): CollectionState | undefined {
    return this.byId.get(id);
  }

  /** Exact (untrimmed) name lookup, as catalog apply compares names. */
  idOf(name: string): number | undefined {
    return this.idsByName.get(name);
  }

  byName(name: string): CollectionState | undefined {
    const id = this.idsByName.get(name);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Collections in ascending id order (ids are dense from 1). */
  list(): CollectionState[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  /** The field list a record naming `version` was written with, if that version existed. */
  fieldsAt(id: number, version: number): readonly FieldDef[] | undefined {
    const c = this.byId.get(id);
    if (c === undefined || !Number.isInteger(version) || version < 1 || version > c.history.length) return undefined;
    return c.history[version - 1];
  }

  clone(): Catalog {
    const copy = new Catalog();
    for (const [id, c] of this.byId) copy.byId.set(id, c);
    for (const [name, id] of this.idsByName) copy.idsByName.set(name, id);
    copy.next = this.next;
    return copy;
  }

  /** Applies one decoded catalog record; the first failing rule of §6.11 throws. */
  apply(rec: CatalogRecord): CollectionState {
    return rec.kind === 'create' ? this.applyCreate(rec) : this.applyNewVersion(rec);
  }

  private applyCreate(rec: Extract<CatalogRecord, { kind: 'create' }>): CollectionState {
    const nameBytes = utf8Length(rec.name);
    if (nameBytes === 0 || nameBytes > MAX_NAME_BYTES) {
      throw schemaError('InvalidCollectionName', 'invalid collection name', { name: rec.name });
    }
    if (rec.schemaVersion !== 1) {
      throw schemaError('InvalidSchemaVersion', `invalid schema version: expected 1, got ${rec.schemaVersion}`, {
        expected: 1,
        got: rec.schemaVersion,
      });
    }
    if (rec.collectionId !== this.next) {
      throw schemaError(
        'UnexpectedCollectionId',
        `unexpected collection id in catalog replay: expected ${this.next}, got ${rec.collectionId}`,
        { expected: this.next, got: rec.collectionId },
      );
    }
    if (this.idsByName.has(rec.name)) {
      throw schemaError('DuplicateCollectionName', `duplicate collection name: ${JSON.stringify(rec.name)}`, {
        name: rec.name,
      });
    }
    validateFieldList(rec.fields);
    if (rec.primaryField !== null && findTopLevelField(rec.fields, rec.primaryField) === undefined) {
      throw primaryNotFound(rec.primaryField);
    }
    const state = freeze({
      id: rec.collectionId,
      name: rec.name,
      schemaVersion: 1,
      fields: rec.fields,
      indexes: rec.indexes,
      primaryField: rec.primaryField,
      history: [rec.fields],
    });
    this.byId.set(state.id, state);
    this.idsByName.set(state.name, state.id);
    this.next = rec.collectionId >= U32_MAX ? U32_MAX : rec.collectionId + 1;
    return state;
  }

  private applyNewVersion(rec: Extract<CatalogRecord, { kind: 'new_version' }>): CollectionState {
    const cur = this.byId.get(rec.collectionId);
    if (cur === undefined) {
      throw schemaError('UnknownCollection', `unknown collection id ${rec.collectionId}`, { id: rec.collectionId });
    }
    const expected = cur.schemaVersion + 1;
    if (rec.schemaVersion !== expected) {
      throw schemaError(
        'InvalidSchemaVersion',
        `invalid schema version: expected ${expected}, got ${rec.schemaVersion}`,
        { expected, got: rec.schemaVersion },
      );
    }
    validateFieldList(rec.fields);
    if (cur.primaryField !== null && findTopLevelField(rec.fields, cur.primaryField) === undefined) {
      throw schemaError(
        'PrimaryFieldMissingInSchema',
        `schema update must retain top-level primary field ${JSON.stringify(cur.primaryField)}`,
        { name: cur.primaryField },
      );
    }
    const state = freeze({
      ...cur,
      schemaVersion: rec.schemaVersion,
      fields: rec.fields,
      indexes: rec.indexes,
      history: [...cur.history, rec.fields],
    });
    this.byId.set(state.id, state);
    return state;
  }
}

export function primaryNotFound(name: string): Error {
  return schemaError('PrimaryFieldNotFound', `primary field ${JSON.stringify(name)} not found as a top-level field`, {
    name,
  });
}

function freeze(c: {
  id: number;
  name: string;
  schemaVersion: number;
  fields: readonly FieldDef[];
  indexes: readonly IndexDef[];
  primaryField: string | null;
  history: readonly (readonly FieldDef[])[];
}): CollectionState {
  return Object.freeze(c);
}
