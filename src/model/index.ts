// TypeScript-first models (docs/models.md): the `t` builder, `model()`, typed collections, migrations.
export { t, FieldType, ScalarField, EnumField, OptionalField, ListField, ObjectField } from './types.ts';
export type {
  AnyField,
  DecodeContext,
  FieldKind,
  Float64Options,
  InOf,
  InputOf,
  Int64Options,
  LengthOptions,
  OutOf,
  RowOf,
  Shape,
  StringOptions,
  TimestampOptions,
  UuidOptions,
} from './types.ts';
export { model, isModel } from './model.ts';
export type { AnyModel, Comparable, IndexSpec, Infer, InferRow, Model, ModelJson, ModelOptions, PrimaryKeyOf, PrimaryKeyType, ScalarPath } from './model.ts';
export { ModelCollection, openCollection } from './collection.ts';
export type { Cond, FindOptions, Ops, OrderSpec, Where } from './where.ts';
export { migrate, planModelMigration, describeReport } from './migrate.ts';
export type { MigrateOptions, MigrationAction, MigrationReport } from './migrate.ts';
