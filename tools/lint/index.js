// The lint tools, re-exported for eslint.config.js at the root. They live in their own package because
// typescript-eslint needs the TypeScript 6 JS API, while the project compiles with TypeScript 7 (a native
// compiler without a JS API): npm nests TypeScript 6 under tools/lint/node_modules. One of typescript-eslint's
// dependencies (ts-api-utils) is hoisted to the root, where `typescript` is 7; so, inside the lint process only,
// every import of `typescript` is pointed at TypeScript 6.
import * as nodeModule from 'node:module';

const { registerHooks } = nodeModule;
if (typeof registerHooks !== 'function') {
  throw new Error(
    `the linter needs Node >= 22.15 (this is ${process.version}): run it as npm run lint, which uses the pinned node_modules/.bin/node`,
  );
}
const typescript6 = import.meta.resolve('typescript');
registerHooks({
  resolve(specifier, context, next) {
    if (specifier === 'typescript') return { url: typescript6, format: 'commonjs', shortCircuit: true };
    return next(specifier, context);
  },
});

export const { default: js } = await import('@eslint/js');
export const { default: tseslint } = await import('typescript-eslint');
