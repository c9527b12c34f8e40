/** Canvas fixtures for tests (imported as `@app/intercom/testing`, never by product code). */
export * from './canvas/canvas.testing';
