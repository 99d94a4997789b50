// Issue 14: what memwhy writes (--save) leaks no secret; what it reads (--from) stays inside the folder, plain
// files of a bounded size; damaged reader output is named and never presented as healthy; cluster text reaches
// the screen with its control characters made visible.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { checkSaveTarget, loadSnapshot, saveSnapshot } from '../../src/app/snapshot.js';
import { visibleFacts } from '../../src/app/visible-facts.js';
import { ExitCode, MemwhyError } from '../../src/cli/exit-codes.js';
import { run } from '../../src/cli/main.js';
import { analyse } from '../../src/core/analyse.js';
import { parseFrames } from '../../src/core/frames.js';
import type { Facts, KPod } from '../../src/core/types.js';
import { provenVisible, visible, visibleDeep } from '../../src/core/visible.js';
import { renderText } from '../../src/render/text.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const NOW = '2026-11-23T03:00:00Z';
const tmp = mkdtempSync(join(tmpdir(), 'memwhy-safety-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = (what: string): string => join(tmp, `${what}-${++n}`);

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(
    [...argv, '--now', NOW],
    {},
    {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      cwd: tmp,
      home: tmp,
    },
  );
  return { code, stdout, stderr };
}

async function rejectsWith(p: Promise<unknown>, code: number, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof MemwhyError, `a MemwhyError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// --save keeps no secret

const SECRETS = [
  'sk_live_51HxSECRETstripe',
  'hunter2-db-password',
  'AKIAEXAMPLESECRET',
  'ghp_tokenInLastApplied',
  'my-db-credentials',
  'tls-private-secret',
  'panic: password=letmein',
];

/** A pod the way the API serves it, full of things that must never leave the cluster. */
function leakyPod(name: string, uid: string, node: string): KPod {
  const lastApplied = JSON.stringify({
    spec: { containers: [{ env: [{ name: 'GITHUB_TOKEN', value: 'ghp_tokenInLastApplied' }] }] },
  });
  const served: Record<string, unknown> = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      uid,
      labels: { app: name, 'secret-label': 'AKIAEXAMPLESECRET' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied },
      managedFields: [
        {
          manager: 'kubectl',
          fieldsV1: {
            'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:env': { 'k:{"name":"DB_PASSWORD"}': {} } } } },
          },
        },
      ],
    },
    spec: {
      nodeName: node,
      priority: 0,
      containers: [
        // As the API serves it: more than KContainer declares.
        {
          name: 'app',
          image: 'shop/app:1',
          command: ['/bin/app', '--stripe-key=sk_live_51HxSECRETstripe'],
          args: ['--db-password', 'hunter2-db-password'],
          env: [
            { name: 'STRIPE_SECRET_KEY', value: 'sk_live_51HxSECRETstripe' },
            { name: 'DB_PASSWORD', value: 'hunter2-db-password' },
          ],
          envFrom: [{ secretRef: { name: 'my-db-credentials' } }],
          resources: { requests: { memory: '64Mi' }, limits: { memory: '128Mi' } },
        } as object,
      ],
      volumes: [
        { name: 'tls', secret: { secretName: 'tls-private-secret' } },
        { name: 'conf', configMap: { name: 'my-db-credentials' } },
      ],
    },
    status: {
      phase: 'Running',
      qosClass: 'Burstable',
      containerStatuses: [
        {
          name: 'app',
          containerID: 'containerd://0123456789abcdef',
          restartCount: 1,
          ready: true,
          state: { running: { startedAt: '2026-11-23T02:00:00Z' } },
          lastState: { terminated: { reason: 'Error', exitCode: 2, message: 'panic: password=letmein' } },
        },
      ],
    },
  };
  return served as KPod;
}

describe('--save writes only what the analysis reads', () => {
  test('a node whose pods carry env secrets, args, last-applied-configuration, managedFields and secret volumes: none of it is in any saved file', async () => {
    const target = leakyPod('web-0', '0b9e0d5e-1c1b-4a53-9a57-4cfb0e8e7f10', 'node-a');
    const others = [
      leakyPod('billing-0', '11111111-2222-3333-4444-555555555555', 'node-a'),
      leakyPod('db-0', '66666666-2222-3333-4444-555555555555', 'node-a'),
    ];
    const facts: Facts = {
      pod: target,
      node: {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: 'node-a',
          labels: { 'kubernetes.io/os': 'linux' },
          annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'secret-note': 'AKIAEXAMPLESECRET' },
        },
        status: { capacity: { memory: '8Gi' }, allocatable: { memory: '7Gi' } },
      },
      nodes: null,
      nodePods: [target, ...others],
      events: [
        {
          metadata: { name: 'e1', namespace: 'shop', annotations: { note: 'hunter2-db-password' } },
          involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'shop' },
          reason: 'BackOff',
          message: 'Back-off restarting failed container',
          type: 'Warning',
        },
      ],
      summary: null,
      podMetrics: null,
      kernelLog: null,
      cgroupFiles: null,
      missing: {},
    };
    const dir = fresh('leaky');
    await saveSnapshot(dir, facts);
    const files = readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => statSync(join(dir, f)).isFile());
    assert.deepEqual(files.sort(), ['events.json', 'node-pods.json', 'node.json', 'pod.json']);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const secret of SECRETS) assert.ok(!text.includes(secret), `${f} holds ${secret}`);
      for (const field of [
        '"env"',
        '"envFrom"',
        '"args"',
        '"command"',
        '"managedFields"',
        'last-applied-configuration',
        '"secretName"',
        '"configMap"',
      ])
        assert.ok(!text.includes(field), `${f} holds ${field}`);
    }
    // What the analysis reads is all there: the same figures and verdicts from the snapshot as from the cluster's objects.
    const loaded = await loadSnapshot(dir);
    const fromCluster = analyse(facts, { now: NOW });
    const fromSnapshot = analyse(loaded, { now: NOW });
    assert.deepEqual(fromSnapshot.containers, fromCluster.containers);
    assert.deepEqual(fromSnapshot.node, fromCluster.node);
    assert.deepEqual(fromSnapshot.verdicts, fromCluster.verdicts);
    assert.equal(loaded.nodePods?.length, 3);
    assert.equal(loaded.pod.spec?.containers?.[0]?.resources?.limits?.memory, '128Mi');
  });

  test('the target is checked before anything is gathered: symlink (dangling or not), a file, a full folder, /proc, /sys → exit 2', async () => {
    const dangling = fresh('dangling');
    symlinkSync(join(tmp, 'nowhere'), dangling);
    await rejectsWith(checkSaveTarget(dangling), ExitCode.Usage, /is a symbolic link/);
    const linkToDir = fresh('link');
    mkdirSync(join(tmp, 'real-dir'), { recursive: true });
    symlinkSync(join(tmp, 'real-dir'), linkToDir);
    await rejectsWith(checkSaveTarget(linkToDir), ExitCode.Usage, /is a symbolic link/);
    const file = fresh('file');
    writeFileSync(file, 'x');
    await rejectsWith(checkSaveTarget(file), ExitCode.Usage, /exists and is not a folder/);
    await rejectsWith(checkSaveTarget(join(file, 'below')), ExitCode.Usage, /not a folder/);
    const full = fresh('full');
    mkdirSync(full);
    writeFileSync(join(full, 'x'), 'x');
    await rejectsWith(checkSaveTarget(full), ExitCode.Usage, /already exists and is not empty/);
    await rejectsWith(checkSaveTarget('/proc/x'), ExitCode.Usage, /under \/proc/);
    await rejectsWith(checkSaveTarget('/proc/self/fd/new'), ExitCode.Usage, /under \/proc/);
    await rejectsWith(checkSaveTarget('/sys/fs/cgroup/memwhy-save'), ExitCode.Usage, /under \/sys/);
    assert.equal(await checkSaveTarget(join(tmp, 'new', 'deep')), join(tmp, 'new', 'deep'));
  });

  test('--save /proc/x with --from: refused at once with exit 2, nothing analysed; a good --save says where it went', async () => {
    const bad = await cli(['--from', join(ROOT, 'examples', 'cache-driven'), '-o', 'json', '--save', '/proc/x']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.equal(bad.stdout, '');
    assert.match(
      bad.stderr,
      /^error: \/proc\/x is under \/proc, not a place for files\nhint: give --save a new or empty folder\n$/,
    );
    const good = await cli(['--from', join(ROOT, 'examples', 'cache-driven'), '-o', 'json', '--save', 'saved-here']);
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.stderr, `snapshot saved to ${join(tmp, 'saved-here')}\n`);
    assert.ok(statSync(join(tmp, 'saved-here', 'pod.json')).isFile());
  });
});

// ---------------------------------------------------------------------------------------------
// --from reads only plain files inside its folder

function exampleCopy(): string {
  const dir = fresh('from');
  cpSync(join(ROOT, 'examples', 'cache-driven'), dir, { recursive: true });
  return dir;
}

describe('--from reads only regular files inside the folder, bounded in size', () => {
  test('pod.json → /etc/shadow (a symlink out of the folder): refused before a byte is read, nothing of it in the error', async () => {
    const secretFile = fresh('shadow');
    writeFileSync(secretFile, 'Xroot:$6$secret-hash:19000:0:99999:7:::\n');
    const dir = exampleCopy();
    rmSync(join(dir, 'pod.json'));
    symlinkSync(secretFile, join(dir, 'pod.json'));
    const r = await cli(['--from', dir, '-o', 'json']);
    assert.equal(r.code, ExitCode.BadInput, r.stderr);
    assert.match(r.stderr, /pod\.json is a symbolic link: a snapshot is read only from inside its folder/);
    assert.doesNotMatch(r.stderr, /['"`]X['"`]|unexpected|invalid JSON/, 'not even the first character of the target');
    assert.ok(!r.stderr.includes('secret-hash') && !r.stderr.includes('root:'));
  });

  test('a symlinked cgroup/ is refused', async () => {
    const dir = exampleCopy();
    const elsewhere = fresh('cgroup-elsewhere');
    cpSync(join(dir, 'cgroup'), elsewhere, { recursive: true });
    rmSync(join(dir, 'cgroup'), { recursive: true });
    symlinkSync(elsewhere, join(dir, 'cgroup'));
    const r = await cli(['--from', dir, '-o', 'json']);
    assert.equal(r.code, ExitCode.BadInput, r.stderr);
    assert.match(r.stderr, /cgroup is a symbolic link: a snapshot is read only from inside its folder/);
  });

  test('node.json a FIFO with no writer, kernel.log → /dev/zero, a 1 GB pod.json: one clear line each, no hang', async () => {
    const fifo = exampleCopy();
    rmSync(join(fifo, 'node.json'));
    execFileSync('mkfifo', [join(fifo, 'node.json')]);
    const r1 = await cli(['--from', fifo, '-o', 'json']);
    assert.equal(r1.code, ExitCode.BadInput, r1.stderr);
    assert.match(r1.stderr, /node\.json is not a regular file \(a FIFO, socket or device\)/);

    const zero = exampleCopy();
    symlinkSync('/dev/zero', join(zero, 'kernel.log'));
    const r2 = await cli(['--from', zero, '-o', 'json']);
    assert.equal(r2.code, ExitCode.BadInput, r2.stderr);
    assert.match(r2.stderr, /kernel\.log is a symbolic link/);

    const big = exampleCopy();
    truncateSync(join(big, 'pod.json'), 1024 * 1024 * 1024); // sparse: no disk used
    const r3 = await cli(['--from', big, '-o', 'json']);
    assert.equal(r3.code, ExitCode.BadInput, r3.stderr);
    assert.match(r3.stderr, /pod\.json is 1024 MiB, larger than the 64 MiB a snapshot file may be/);
    assert.equal(r3.stderr.split('\n').filter(Boolean).length, 2, 'one error line and one hint');
  });
});

// ---------------------------------------------------------------------------------------------
// Damaged reader output

describe('damaged reader output is named and never presented as healthy', () => {
  const GOLDEN = readFileSync(join(ROOT, 'test', 'kube', 'golden', 'reader-output-v1-lab.txt'), 'utf8');

  test('a flipped byte in a memory.stat frame: the frame is named unreadable (checksum), the other files are kept', () => {
    const at = GOLDEN.indexOf('=== BEGIN memory/memory.stat ');
    const body = GOLDEN.indexOf('\n', at) + 1;
    const flipped = GOLDEN.slice(0, body) + (GOLDEN[body] === 'c' ? 'd' : 'c') + GOLDEN.slice(body + 1);
    const p = parseFrames(flipped);
    assert.equal(p.complete, false);
    assert.equal(p.files['memory/memory.stat'], undefined);
    assert.deepEqual(
      p.unreadable.map((u) => u.file),
      ['memory/memory.stat'],
    );
    assert.match(p.unreadable[0]!.problem, /^checksum mismatch/);
    assert.equal(Object.keys(p.files).length, Object.keys(parseFrames(GOLDEN).files).length - 1);
  });

  test('a log cut in half: the output as a whole is named (truncated)', () => {
    const p = parseFrames(GOLDEN.slice(0, Math.floor(GOLDEN.length / 2)));
    assert.ok(
      p.unreadable.some((u) => u.file === 'reader output' || /truncated/.test(u.problem)),
      JSON.stringify(p.unreadable),
    );
  });

  test("the container's memory.stat unreadable: its working set is unknown (not its usage), no headroom verdict on it, the file is named", async () => {
    const facts = await loadSnapshot(join(ROOT, 'examples', 'cache-driven'));
    const key = Object.keys(facts.cgroupFiles!).find((k) => /c1176e8cb7ee.*\/memory\.stat$/.test(k))!;
    assert.ok(key, "the app container's memory.stat");
    const intact = analyse(facts, { now: NOW });
    const files = { ...facts.cgroupFiles! };
    delete files[key];
    const damaged = analyse(
      {
        ...facts,
        cgroupFiles: files,
        unreadable: [
          { file: key, problem: 'checksum mismatch ("00000000" stated, "0bad0bad" computed): data altered' },
        ],
      },
      { now: NOW },
    );
    const app = damaged.containers.find((c) => c.name === 'app')!;
    assert.notEqual(app.usageBytes, null, 'usage is still known');
    assert.equal(app.workingSetBytes, null, 'the working set is unknown, not usage');
    assert.equal(app.headroom.workingSetOfLimit, null);
    assert.ok(
      !damaged.verdicts.some((v) => v.kind === 'NearLimit' || v.kind === 'AboveRequest'),
      damaged.verdicts.map((v) => v.kind).join(),
    );
    const notice = damaged.notices.find((x) => x.part === 'cgroup-files');
    assert.ok(notice, 'a notice names the damaged file');
    assert.ok(notice.message.includes(key) && /checksum mismatch/.test(notice.message));
    assert.equal(
      intact.notices.some((x) => x.part === 'cgroup-files'),
      false,
    );
    // And the text a user reads says it.
    assert.match(
      renderText(damaged, { color: false, width: 200, container: null }),
      /cgroup-files: Not used, the reader's output failed its checks/,
    );
  });

  test('a truncated log that lost the container\'s directory: not "No cgroup directory for container app"', async () => {
    const facts = await loadSnapshot(join(ROOT, 'examples', 'cache-driven'));
    const files = Object.fromEntries(Object.entries(facts.cgroupFiles!).filter(([k]) => !k.includes('c1176e8cb7ee')));
    const a = analyse(
      {
        ...facts,
        cgroupFiles: files,
        unreadable: [{ file: 'reader output', problem: 'output ends before the DONE line: truncated' }],
      },
      { now: NOW },
    );
    const text = a.notices.map((x) => `${x.part}: ${x.message}`).join('\n');
    assert.doesNotMatch(text, /No cgroup directory for container app/);
    assert.match(text, /container app .* is not in the reader's output, which was damaged/);
    assert.match(text, /reader output: output ends before the DONE line: truncated/);
  });

  test('a snapshot keeps the damage: unreadable.json is written and read back', async () => {
    const facts = await loadSnapshot(join(ROOT, 'examples', 'cache-driven'));
    const dir = fresh('damaged');
    await saveSnapshot(dir, { ...facts, unreadable: [{ file: 'reader output', problem: 'truncated' }] });
    assert.deepEqual((await loadSnapshot(dir)).unreadable, [{ file: 'reader output', problem: 'truncated' }]);
  });
});

// ---------------------------------------------------------------------------------------------
// Control characters

describe('control characters from the cluster are shown, never sent raw', () => {
  const ESC = '\u001b';
  const hostile = `${ESC}]0;pwned\u0007${ESC}[2J`;

  test('visible(): escapes, bells, C1, bidi overrides', () => {
    assert.equal(visible(hostile), '\\e]0;pwned\\x07\\e[2J');
    assert.equal(visible('a\u009bb\u202ec'), 'a\\x9bb\\u202ec');
    assert.equal(visible('line1\nline2', { newlines: true }), 'line1\nline2');
    assert.equal(visible('plain text: 1.5Gi, ünïcödé'), 'plain text: 1.5Gi, ünïcödé');
  });

  test('visibleDeep(): escapes in keys and values at any depth, the input unchanged, clean parts not copied', () => {
    const clean = { name: 'web-1', labels: { app: 'web' }, ports: [80, 443] };
    const input = { items: [clean, { name: `x${hostile}`, [`k${ESC}`]: ['ok', `y${ESC}`] }], n: 1 };
    const before = structuredClone(input);
    const out = visibleDeep(input);
    assert.deepEqual(out, {
      items: [clean, { name: 'x\\e]0;pwned\\x07\\e[2J', 'k\\e': ['ok', 'y\\e'] }],
      n: 1,
    });
    assert.deepEqual(input, before, 'the input is not changed');
    assert.notEqual(out, input, 'what holds an escape is a copy');
    assert.equal(out.items[0], clean, 'a clean object is returned as it is');
    const allClean = { a: [{ b: 'c' }] };
    assert.equal(visibleDeep(allClean), allClean);
  });

  test('provenVisible(): a value whose JSON text could decode to anything hidden is still walked', () => {
    // Every way a hidden character can be written in JSON: raw (DEL, C1, bidi, zero-width, BOM) and escaped (short
    // escapes, \\u in either case); beside them texts that only look close (Go's \\u003c, an escaped backslash).
    const hiddenTexts = [
      '{"m":"a\\u001b[2Jb"}',
      '{"m":"a\\u001B"}',
      '{"m":"line\\nbreak"}',
      '{"m":"tab\\there"}',
      '{"m":"bell\\b\\f\\r"}',
      `{"m":"raw\u007fdel"}`,
      `{"m":"raw\u009bcsi"}`,
      `{"m":"bidi\u202eevil"}`,
      '{"m":"\\u202Eevil"}',
      '{"m":"\\u200bzero-width"}',
      '{"m":"\\ufeffbom"}',
      '{"m":"\\u2066isolate"}',
      '{"m":"\\u0085nel"}',
      `{"items":[{"a":"ok"},{"k\u001b":1}]}`.replace('\u001b', '\\u001b'),
      `{"items":[{"a":"ok"},{"b":["x","y\u200f"]}]}`,
    ];
    for (const text of hiddenTexts) {
      const expected = visibleDeep(JSON.parse(text) as unknown);
      assert.notDeepEqual(expected, JSON.parse(text), `${text} holds something hidden`);
      assert.deepEqual(visibleDeep(provenVisible(JSON.parse(text) as unknown, text)), expected, text);
    }
  });

  test('provenVisible(): a clean text marks the value and the items of a list, which are not walked again', () => {
    // Marked values are never changed by memwhy; changing one here shows that visibleDeep no longer looks inside.
    const text = '{"kind":"PodList","items":[{"m":"\\u003cok\\u003e \\"q\\" \\\\ é"},{"n":"b"}]}\n';
    const list = provenVisible(JSON.parse(text) as { items: Array<Record<string, string>> }, text);
    assert.equal(list.items[0]!.m, '<ok> "q" \\ é');
    list.items[0]!.m = hostile;
    assert.equal(visibleDeep(list), list);
    assert.equal(visibleDeep(list.items[0]), list.items[0]);
    assert.equal(visibleDeep([...list.items])[0]!.m, hostile, 'a new array of marked items: the items are not walked');
    const walked = JSON.parse(text) as { items: Array<Record<string, string>> };
    walked.items[0]!.m = hostile;
    assert.equal(visibleDeep(walked).items[0]!.m, '\\e]0;pwned\\x07\\e[2J', 'unmarked: walked');
  });

  test('an Evicted status.message, an event message, a process name in the kernel log: no raw ESC in text, JSON or YAML', async () => {
    const facts = await loadSnapshot(join(ROOT, 'examples', 'evicted'));
    const pod = structuredClone(facts.pod);
    pod.status = { ...pod.status, message: `The node was low on resource: memory. ${hostile}` };
    const kernelLog = `[1.0] ${hostile}node invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n`;
    const events = [
      ...(facts.events ?? []),
      {
        metadata: { name: 'x' },
        involvedObject: { kind: 'Pod', name: pod.metadata?.name },
        reason: 'Evicted',
        message: `evicted ${hostile}`,
        type: 'Warning',
      },
    ];
    const safe = visibleFacts({ ...facts, pod, kernelLog, events });
    const a = analyse(safe, { now: NOW });
    const text = renderText(a, { color: false, width: 120, container: null });
    assert.ok(!text.includes(ESC) && !text.includes('\u0007'), 'no raw control character in the text');
    assert.ok(text.includes('\\e]0;pwned\\x07'), 'shown visibly');
    assert.ok(!JSON.stringify(a).includes('\\u001b'), 'no ESC in the JSON either');
  });

  test('--from a snapshot whose pod name and message hold escape sequences: -o text prints none raw', async () => {
    const dir = exampleCopy();
    const pod = JSON.parse(readFileSync(join(dir, 'pod.json'), 'utf8')) as KPod;
    pod.status = { ...pod.status, message: `hello ${hostile}` };
    writeFileSync(join(dir, 'pod.json'), JSON.stringify(pod));
    const r = await cli(['--from', dir, '-o', 'text', '--color', 'never']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(ESC) && !r.stdout.includes('\u0007'));
  });
});
