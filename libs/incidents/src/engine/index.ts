/** The incidents engine: grouping, titles and analysis windows. Pure (contracts and plain TypeScript only). */
export * from './terms';
export * from './grouping';
export * from './title';
export * from './window';
