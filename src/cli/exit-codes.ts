// The exit codes and MemwhyError, as src/cli knows them: they live in src/errors.ts, outside every layer.
export * from '../errors.js';
