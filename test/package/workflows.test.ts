// .github/workflows/*.yml cannot run here: parse them and check the shape GitHub Actions needs and the
// release steps the packaging relies on.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { load } from 'js-yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = join(ROOT, '.github', 'workflows');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  if?: string;
}
interface Job {
  'runs-on'?: string;
  needs?: string | string[];
  if?: string;
  steps?: Step[];
  permissions?: Record<string, string>;
}
interface Workflow {
  name?: string;
  on?: { push?: { tags?: string[]; branches?: string[] }; pull_request?: unknown };
  jobs?: Record<string, Job>;
  permissions?: Record<string, string>;
}

const read = (file: string): Workflow => load(readFileSync(join(DIR, file), 'utf8')) as Workflow;
const steps = (w: Workflow): Step[] => Object.values(w.jobs ?? {}).flatMap((j) => j.steps ?? []);
const runs = (w: Workflow): string =>
  steps(w)
    .map((s) => s.run ?? '')
    .join('\n');

for (const file of existsSync(DIR) ? readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)) : []) {
  describe(`.github/workflows/${file}`, () => {
    test('parses, with a name, a trigger and jobs made of steps', () => {
      const w = read(file);
      assert.equal(typeof w.name, 'string');
      assert.ok(w.on && typeof w.on === 'object', 'on:');
      const jobs = Object.entries(w.jobs ?? {});
      assert.ok(jobs.length > 0, 'jobs:');
      for (const [id, job] of jobs) {
        assert.match(String(job['runs-on']), /^(ubuntu|macos|windows)-/, `${id}: runs-on`);
        assert.ok((job.steps ?? []).length > 0, `${id}: steps`);
        for (const needed of [job.needs ?? []].flat())
          assert.ok(needed in (w.jobs ?? {}), `${id} needs unknown job ${needed}`);
        for (const [i, s] of (job.steps ?? []).entries()) {
          assert.ok((s.run === undefined) !== (s.uses === undefined), `${id}.steps[${i}]: exactly one of run/uses`);
          if (s.uses)
            assert.match(s.uses, /^[\w.-]+\/[\w./-]+@v[\d.]+$/, `${id}.steps[${i}]: pin ${s.uses} to a version tag`);
        }
      }
    });
  });
}

describe('ci.yml', () => {
  test('runs bash .ci/run on pushes and pull requests', () => {
    const w = read('ci.yml');
    assert.ok(w.on?.push && 'pull_request' in (w.on ?? {}));
    assert.match(runs(w), /^bash \.ci\/run$/m);
  });
});

describe('release.yml', () => {
  const w = read('release.yml');
  const all = runs(w);

  test('runs on v* tags, with write access only where the release is made', () => {
    assert.deepEqual(w.on?.push?.tags, ['v*']);
    assert.deepEqual(w.permissions, { contents: 'read' });
    const writers = Object.entries(w.jobs!)
      .filter(([, j]) => j.permissions?.contents === 'write')
      .map(([id]) => id);
    assert.deepEqual(writers, ['release']);
  });

  test('checks the tag against package.json and runs the tests first', () => {
    assert.match(all, /package\.json/);
    assert.match(all, /GITHUB_REF_NAME/);
    assert.match(all, /^npm ci/m);
    assert.match(all, /^npm test$/m);
  });

  test('builds the five platforms with scripts/package.mjs on the pinned Node', () => {
    for (const target of ['linux-x64', 'linux-arm64', 'win-x64', 'darwin-x64', 'darwin-arm64']) {
      assert.match(all, new RegExp(`node_modules/\\.bin/node scripts/package\\.mjs --target ${target}\\b`), target);
    }
    assert.match(all, /--target linux-x64 --npm --archive/);
    assert.match(all, /--target linux-arm64 --npm --archive/);
    assert.match(all, /--target win-x64 --npm --archive/);
  });

  test('signs and archives the macOS binaries on macOS', () => {
    const darwin = w.jobs!.darwin!;
    assert.match(String(darwin['runs-on']), /^macos-/);
    const text = (darwin.steps ?? []).map((s) => s.run ?? '').join('\n');
    assert.match(text, /codesign --force --sign - /);
    assert.match(text, /--target darwin-x64 --archive-only/);
    assert.match(text, /--target darwin-arm64 --archive-only/);
  });

  test('publishes the archives, their checksums and the complete plugin.yaml', () => {
    const text = (w.jobs!.release!.steps ?? []).map((s) => s.run ?? '').join('\n');
    assert.match(text, /sha256sum --check/);
    assert.match(text, /scripts\/package\.mjs --manifest-only/);
    assert.match(
      text,
      /gh release create "\$GITHUB_REF_NAME"[\s\S]*out\/\*\.tar\.gz out\/\*\.tar\.gz\.sha256 out\/checksums\.txt plugin\.yaml/,
    );
    assert.match(text, /--prerelease/);
  });

  test('runs krew-release-bot v0.0.51 with krew/memwhy.yaml after the release, not for pre-release tags', () => {
    const job = w.jobs!['krew-index']!;
    assert.equal(job.needs, 'release');
    assert.match(String(job.if), /!contains\(github\.ref_name, '-'\)/);
    const bot = (job.steps ?? []).find((s) => s.uses?.startsWith('rajatjindal/krew-release-bot@'));
    assert.equal(bot?.uses, 'rajatjindal/krew-release-bot@v0.0.51');
    assert.deepEqual(bot?.with, { krew_template_file: 'krew/memwhy.yaml' });
    assert.ok(existsSync(join(ROOT, 'krew', 'memwhy.yaml')));
    assert.ok(
      (job.steps ?? []).some((s) => s.uses?.startsWith('actions/checkout@')),
      'the bot reads the template from the checkout',
    );
  });
});
