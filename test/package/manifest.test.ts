// The krew manifests: plugin.yaml (local installs, rewritten by `npm run package:archive -- --update-manifest`)
// and krew/memwhy.yaml (the krew-release-bot template), checked against krew's published rules:
//   - kubernetes-sigs/krew internal/index/validation/validate.go (ValidatePlugin, validatePlatform,
//     validateFiles, validateSelector): apiVersion, kind, name safe and equal to the file name,
//     shortDescription set and one line, platforms, version set and semver with a `v`, uri, sha256
//     matching ^[a-f0-9]{64}$, bin, files unspecified or non-empty with from/to, selector keys os/arch only;
//   - cmd/validate-krew-manifest (what krew-index CI runs): line lengths (shortDescription 70,
//     description and caveats 80), every platform matches a supported os/arch, no two overlap;
//   - the plugin-manifest docs: shortDescription "a few words", description without flag lists.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { load } from 'js-yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const HOMEPAGE = 'https://github.com/kubectl-memwhy/kubectl-memwhy';
const SHA256 = /^[a-f0-9]{64}$/;
const SEMVER_V =
  /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;
const SAFE_NAME = /^[\w-]+$/;
const WINDOWS_FORBIDDEN = [
  'CON',
  'PRN',
  'AUX',
  'NUL',
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((i) => [`COM${i}`, `LPT${i}`]),
];
/** The platforms krew is released for (github.com/kubernetes-sigs/krew/releases). */
const KREW_PLATFORMS: Array<[string, string]> = [
  ['darwin', 'amd64'],
  ['darwin', 'arm64'],
  ['linux', 'amd64'],
  ['linux', 'arm'],
  ['linux', 'arm64'],
  ['linux', 'ppc64le'],
  ['linux', 's390x'],
  ['windows', 'amd64'],
  ['windows', 'arm64'],
];
const OURS = ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64'];

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}
interface Platform {
  selector?: Selector;
  uri?: string;
  sha256?: string;
  bin?: string;
  files?: Array<{ from?: string; to?: string }> | null;
}
interface Plugin {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: {
    version?: string;
    homepage?: string;
    shortDescription?: string;
    description?: string;
    caveats?: string;
    platforms?: Platform[];
  };
}

/** krew's label-selector semantics, for os/arch labels. */
function matches(sel: Selector | undefined, os: string, arch: string): boolean {
  if (!sel) return false;
  const labels: Record<string, string> = { os, arch };
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    const inValues = value !== undefined && (e.values ?? []).includes(value);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function longLines(text: string | undefined, max: number): string[] {
  return (text ?? '').split('\n').filter((l) => l.length > max && l.trim().includes(' '));
}

/** Every krew rule a manifest breaks; [] when valid. `name` is the name krew infers (the file name). */
export function krewProblems(name: string, p: Plugin): string[] {
  const problems: string[] = [];
  if (p.apiVersion !== 'krew.googlecontainertools.github.com/v1alpha2') problems.push(`apiVersion ${p.apiVersion}`);
  if (p.kind !== 'Plugin') problems.push(`kind ${p.kind}`);
  if (!SAFE_NAME.test(name) || WINDOWS_FORBIDDEN.some((f) => f.toLowerCase() === name.toLowerCase()))
    problems.push(`unsafe name ${name}`);
  if (p.metadata?.name !== name) problems.push(`plugin should be named ${name}, not ${p.metadata?.name}`);
  const spec = p.spec ?? {};
  if (!spec.shortDescription) problems.push('no shortDescription');
  else if (/[\r\n]/.test(spec.shortDescription)) problems.push('line break in shortDescription');
  if (!spec.description) problems.push('no description');
  if (!spec.version) problems.push('no version');
  else if (!SEMVER_V.test(spec.version)) problems.push(`version ${spec.version} is not semver with a leading v`);
  if (!spec.platforms || spec.platforms.length === 0) problems.push('no platforms');
  for (const [i, pl] of (spec.platforms ?? []).entries()) {
    const at = `platforms[${i}]`;
    if (!pl.uri) problems.push(`${at}: no uri`);
    if (!pl.sha256) problems.push(`${at}: no sha256`);
    else if (!SHA256.test(pl.sha256)) problems.push(`${at}: sha256 ${pl.sha256} does not match ${SHA256}`);
    if (!pl.bin) problems.push(`${at}: no bin`);
    if (pl.files !== undefined) {
      if (pl.files === null || pl.files.length === 0) problems.push(`${at}: files has to be unspecified or non-empty`);
      for (const f of pl.files ?? []) if (!f.from || !f.to) problems.push(`${at}: files entry without from/to`);
    }
    const sel = pl.selector;
    if (!sel) problems.push(`${at}: no selector`);
    else {
      if (sel.matchLabels === undefined && (sel.matchExpressions ?? []).length === 0)
        problems.push(`${at}: empty selector`);
      const keys = [...Object.keys(sel.matchLabels ?? {}), ...(sel.matchExpressions ?? []).map((e) => e.key)];
      for (const k of keys) if (k !== 'os' && k !== 'arch') problems.push(`${at}: selector key ${k} not supported`);
      if (sel.matchLabels !== undefined && Object.keys(sel.matchLabels ?? {}).length === 0)
        problems.push(`${at}: matchLabels empty`);
      if (sel.matchExpressions !== undefined && sel.matchExpressions.length === 0)
        problems.push(`${at}: matchExpressions empty`);
      if (!KREW_PLATFORMS.some(([os, arch]) => matches(sel, os, arch)))
        problems.push(`${at}: selector matches no supported platform`);
    }
  }
  for (const [os, arch] of KREW_PLATFORMS) {
    const hits = (spec.platforms ?? []).flatMap((pl, i) => (matches(pl.selector, os, arch) ? [i] : []));
    if (hits.length > 1) problems.push(`platforms ${hits.join(', ')} overlap on ${os}/${arch}`);
  }
  if (longLines(spec.shortDescription, 70).length > 0) problems.push('shortDescription longer than 70');
  if (longLines(spec.description, 80).length > 0)
    problems.push(`description lines over 80: ${longLines(spec.description, 80).join(' | ')}`);
  if (longLines(spec.caveats, 80).length > 0)
    problems.push(`caveats lines over 80: ${longLines(spec.caveats, 80).join(' | ')}`);
  return problems;
}

/** What krew-release-bot does with the template: Go text/template with TagName and addURIAndSha. */
export function renderTemplate(template: string, tag: string, sha = (uri: string) => sha256Of(uri)): string {
  const rendered = template
    .replace(/\{\{\s*addURIAndSha\s+"([^"]+)"\s+\.TagName\s*\}\}/g, (_m, url: string) => {
      const uri = url.replace(/\{\{\s*\.TagName\s*\}\}/g, tag);
      return `uri: ${uri}\n    sha256: ${sha(uri)}`;
    })
    .replace(/\{\{\s*\.TagName\s*\}\}/g, tag);
  assert.doesNotMatch(rendered, /\{\{|\}\}/, 'the template uses template actions other than .TagName and addURIAndSha');
  return rendered;
}

function sha256Of(text: string): string {
  // A stand-in for the asset's checksum: 64 hex digits derived from the uri, so each platform differs.
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(8, '0').repeat(8);
}

const read = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');
const pluginYaml = (): Plugin => load(read('plugin.yaml')) as Plugin;
const templateYaml = (tag: string): Plugin => load(renderTemplate(read('krew/memwhy.yaml'), tag)) as Plugin;

function platformOf(pl: Platform): string {
  return `${pl.selector?.matchLabels?.os}/${pl.selector?.matchLabels?.arch}`;
}

function expectedUri(tag: string, platform: string): string {
  return `${HOMEPAGE}/releases/download/${tag}/kubectl-memwhy_${tag}_${platform.replace('/', '_')}.tar.gz`;
}

function checkOurManifest(p: Plugin, tag: string): void {
  const spec = p.spec!;
  assert.equal(spec.version, tag);
  assert.equal(spec.homepage, HOMEPAGE);
  assert.ok(
    spec.shortDescription!.split(/\s+/).length <= 8,
    `shortDescription should be a few words: ${spec.shortDescription}`,
  );
  assert.doesNotMatch(spec.description!, /(^|\s)--?[a-z]/m, 'description lists flags; krew asks for -h/--help instead');
  for (const rbac of [
    'get pods',
    'get nodes',
    'list events',
    'nodes/proxy',
    'create, get and delete pods',
    'pods/log',
    'hostPath',
    '/sys/fs/cgroup',
  ]) {
    assert.ok(spec.caveats!.replace(/\s+/g, ' ').includes(rbac), `caveats should mention ${rbac}`);
  }
  assert.deepEqual(spec.platforms!.map(platformOf).sort(), [...OURS].sort());
  for (const pl of spec.platforms!) {
    const platform = platformOf(pl);
    const exe = platform.startsWith('windows/') ? '.exe' : '';
    assert.deepEqual(
      Object.keys(pl.selector!.matchLabels!).sort(),
      ['arch', 'os'],
      `${platform}: selector by os and arch`,
    );
    assert.equal(pl.bin, `kubectl-memwhy${exe}`, `${platform}: bin`);
    assert.equal(pl.uri, expectedUri(tag, platform), `${platform}: uri`);
    const from = (pl.files ?? []).map((f) => f.from);
    for (const f of [`kubectl-memwhy${exe}`, 'LICENSE', 'LICENSE-THIRD-PARTY', 'kubectl_complete-memwhy']) {
      assert.ok(from.includes(f), `${platform}: files should copy ${f}`);
    }
    for (const f of pl.files ?? []) assert.equal(f.to, '.', `${platform}: ${f.from} goes to the plugin directory`);
  }
}

describe('krew rules (the validator itself)', () => {
  const good = (): Plugin => ({
    apiVersion: 'krew.googlecontainertools.github.com/v1alpha2',
    kind: 'Plugin',
    metadata: { name: 'foo' },
    spec: {
      version: 'v1.2.3',
      shortDescription: 'Does foo',
      description: 'Does foo.',
      platforms: [
        {
          selector: { matchLabels: { os: 'linux', arch: 'amd64' } },
          uri: 'https://x/y.tar.gz',
          sha256: 'a'.repeat(64),
          bin: 'foo',
        },
      ],
    },
  });
  test('accepts a minimal valid manifest', () => assert.deepEqual(krewProblems('foo', good()), []));
  const broken: Array<[string, (p: Plugin) => void, RegExp]> = [
    ['name differs from the file', (p) => (p.metadata!.name = 'bar'), /named foo/],
    ['version without v', (p) => (p.spec!.version = '1.2.3'), /semver/],
    ['two-line shortDescription', (p) => (p.spec!.shortDescription = 'a\nb'), /line break/],
    ['upper-case sha256', (p) => (p.spec!.platforms![0]!.sha256 = 'A'.repeat(64)), /sha256/],
    ['no bin', (p) => delete p.spec!.platforms![0]!.bin, /no bin/],
    ['empty files', (p) => (p.spec!.platforms![0]!.files = []), /non-empty/],
    [
      'selector key other than os/arch',
      (p) => (p.spec!.platforms![0]!.selector = { matchLabels: { os: 'linux', distro: 'x' } }),
      /distro/,
    ],
    [
      'selector matching nothing',
      (p) => (p.spec!.platforms![0]!.selector = { matchLabels: { os: 'plan9' } }),
      /no supported platform/,
    ],
    [
      'overlapping platforms',
      (p) => p.spec!.platforms!.push({ ...p.spec!.platforms![0]!, selector: { matchLabels: { os: 'linux' } } }),
      /overlap on linux\/amd64/,
    ],
  ];
  for (const [what, mutate, expected] of broken) {
    test(`rejects ${what}`, () => {
      const p = good();
      mutate(p);
      assert.match(krewProblems('foo', p).join('\n'), expected);
    });
  }
});

describe('plugin.yaml', () => {
  test('passes krew validation (name memwhy: krew install --manifest does not tie it to the file name)', () => {
    assert.deepEqual(krewProblems('memwhy', pluginYaml()), []);
  });
  test(`describes v${VERSION}, the five release platforms, their archives and files`, () => {
    checkOurManifest(pluginYaml(), `v${VERSION}`);
  });
  test('the linux/amd64 sha256 is a real checksum (npm run package:archive -- --update-manifest)', () => {
    const linux = pluginYaml().spec!.platforms!.find((pl) => platformOf(pl) === 'linux/amd64')!;
    assert.notEqual(linux.sha256, '0'.repeat(64));
  });
});

describe('krew/memwhy.yaml (krew-release-bot template)', () => {
  test('its name is its file name', () => {
    assert.equal(templateYaml('v1.2.3').metadata?.name, basename('krew/memwhy.yaml', '.yaml'));
  });
  for (const tag of [`v${VERSION}`, 'v1.2.3']) {
    test(`renders for ${tag} into a manifest krew accepts`, () => {
      const p = templateYaml(tag);
      assert.deepEqual(krewProblems('memwhy', p), []);
      checkOurManifest(p, tag);
    });
  }
  test('has one addURIAndSha per platform, at the 4-space indent the bot writes sha256 with', () => {
    const lines = read('krew/memwhy.yaml')
      .split('\n')
      .filter((l) => /^\s*\{\{\s*addURIAndSha/.test(l));
    assert.equal(lines.length, OURS.length);
    for (const l of lines)
      assert.match(l, /^ {4}\{\{addURIAndSha "https:\/\/github\.com\/[^"]+\{\{ \.TagName \}\}[^"]+" \.TagName \}\}$/);
  });
  test('says the same as plugin.yaml apart from version, uri and sha256', () => {
    const strip = (p: Plugin): Plugin => ({
      ...p,
      spec: { ...p.spec, version: 'X', platforms: p.spec!.platforms!.map(({ uri: _u, sha256: _s, ...rest }) => rest) },
    });
    assert.deepEqual(strip(templateYaml('v9.9.9')), strip(pluginYaml()));
  });
});
