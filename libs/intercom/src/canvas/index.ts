export * from './canvas-builder';
export * from './panel';
