import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/** An entity's columns as one aliased select list, and the function that turns a result row back into the entity. */
export interface EntityRows<T> {
  /** `"<alias>"."<column>" AS "<alias>_<property>", …` */
  columns: string;
  /** The entity's table name (quoted). */
  table: string;
  /** The entity read from a row selected with `columns`; null when the row has no such entity (a LEFT JOIN missed). */
  read(row: Record<string, unknown>): T | null;
}

const cache = new WeakMap<DataSource, Map<string, EntityRows<ObjectLiteral>>>();

/**
 * For hot reads written as plain SQL (prepared once per connection, no query builder run per call): an entity's
 * select list and hydration, from TypeORM's own metadata. Values go through the driver's own hydration
 * (`prepareHydratedValue`), so an entity read here equals one TypeORM's `find` would give. Entities with embedded
 * columns or relations loaded eagerly are refused (plain columns only).
 */
export function entityRows<T extends ObjectLiteral>(ds: DataSource, entity: EntityTarget<T>, alias: string): EntityRows<T> {
  const md = ds.getMetadata(entity);
  let forDs = cache.get(ds);
  if (!forDs) cache.set(ds, (forDs = new Map()));
  const key = `${md.name}\u0000${alias}`;
  const hit = forDs.get(key);
  if (hit) return hit as EntityRows<T>;
  if (md.embeddeds.length || md.eagerRelations.length) throw new Error(`entityRows: ${md.name} has embedded columns or eager relations`);
  const columns = md.columns.filter((c) => !c.isVirtual);
  const primary = md.primaryColumns[0];
  const made: EntityRows<ObjectLiteral> = {
    columns: columns.map((c) => `"${alias}"."${c.databaseName}" AS "${alias}_${c.propertyName}"`).join(', '),
    table: `"${md.tableName}"`,
    read: (row) => {
      if (row[`${alias}_${primary.propertyName}`] == null) return null;
      const e = md.create() as ObjectLiteral;
      for (const c of columns) c.setEntityValue(e, ds.driver.prepareHydratedValue(row[`${alias}_${c.propertyName}`], c));
      return e;
    },
  };
  forDs.set(key, made);
  return made as EntityRows<T>;
}
