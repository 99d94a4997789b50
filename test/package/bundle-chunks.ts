// Reads a split bundle (scripts/build-sea-bundle.mjs: dist/cli.js, build/sea/cli.cjs) as its loader does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * The chunks of a split bundle: name → CommonJS source, and whether it is gzipped (the startup chunks are not:
 * --version loads no zlib).
 */
export function chunksOf(file: string): Record<string, { code: string; gzipped: boolean }> {
  const text = readFileSync(file, 'utf8');
  const index = /^const __memwhyIndex=(.*);$/m.exec(text);
  const data = /^function __memwhyData\(\)\{\/\*\n([\s\S]*?)\*\/\}$/m.exec(text);
  assert.ok(index && data, `${file} is not a split bundle`);
  const entries = JSON.parse(index[1]!) as Record<string, [number, number, number]>;
  return Object.fromEntries(
    Object.entries(entries).map(([name, [offset, length, gzipped]]) => {
      const bytes = Buffer.from(data[1]!.slice(offset, offset + length), 'base64');
      return [name, { code: (gzipped ? gunzipSync(bytes) : bytes).toString(), gzipped: gzipped === 1 }];
    }),
  );
}
