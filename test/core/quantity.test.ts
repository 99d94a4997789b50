import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseBytes, parseQuantity } from '../../src/core/quantity.js';

const MI = 1024 ** 2;

test('quantities as the API server writes them: binary and decimal suffixes, exponents, fractions, milli', () => {
  assert.equal(parseBytes('128Mi'), 128 * MI);
  assert.equal(parseBytes('52428Ki'), 52428 * 1024);
  assert.equal(parseBytes('1Gi'), 1024 ** 3);
  assert.equal(parseBytes('1G'), 1e9);
  assert.equal(parseBytes('1E'), 1e18); // E alone is exa, not an exponent
  assert.equal(parseBytes('1e3'), 1000);
  assert.equal(parseBytes('1.5Gi'), 1.5 * 1024 ** 3);
  assert.equal(parseBytes('129500m'), 130); // 129.5 bytes, rounded up as the API server does
  assert.equal(parseQuantity('500m'), 0.5);
  assert.equal(parseBytes('0'), 0);
  assert.equal(parseBytes(' 64Mi '), 64 * MI);
  assert.equal(parseBytes(1048576), 1048576);
});

test('not quantities: null, also for suffixes that are names on Object.prototype', () => {
  for (const text of ['', 'Mi', '12mi', '12K', '12 Mi', '12toString', '1constructor', '5__proto__', '1.2.3', 'x'])
    assert.equal(parseQuantity(text), null, JSON.stringify(text));
});

test('digits with a suffix (the path without the regular expression) equal digits × the suffix', () => {
  const suffixes: Record<string, number> = { '': 1, Ki: 1024, Mi: MI, Gi: 1024 ** 3, k: 1e3, M: 1e6, G: 1e9 };
  fc.assert(
    fc.property(fc.nat({ max: 1e12 }), fc.constantFrom(...Object.keys(suffixes)), (n, suffix) => {
      const text = `${n}${suffix}`;
      assert.equal(parseQuantity(text), n * suffixes[suffix]!);
    }),
    { numRuns: 2000 },
  );
});
