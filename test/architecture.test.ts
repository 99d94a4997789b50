// The layering rules of docs/ARCHITECTURE.md, checked on the import graph of src/ (parsed with the TypeScript
// API the linter installs, tools/lint/node_modules/typescript: the project's own TypeScript 7 has no JS API).
//
// Rules:
// - core-is-pure:      src/core imports nothing outside src/core (no node: built-ins, no packages, no other
//                      layer), not even types: the analysis is plain data in, plain data out.
// - client-node-in-kube: only src/kube imports @kubernetes/client-node (types too).
// - process-in-cli:    only src/cli touches `process` (the global, globalThis.process, or node:process).
// - views-not-kube:    src/render and src/tui (renderers and screens) import nothing from src/kube.
// - cli-on-top:        nothing outside src/cli imports src/cli (types too): the CLI wires the layers, no layer
//                      reaches up into it (errors live in src/errors.ts for that reason).
//
// KNOWN_VIOLATIONS lists exact file + rule pairs that break a rule today, in files other branches are reshaping.
// The test fails when a violation is not listed AND when a listed one is gone (remove the entry then).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// Typed from the same TypeScript 6 (a bare `typescript` would be the project's TypeScript 7, which has no API).
type Ts = typeof import('../tools/lint/node_modules/typescript/lib/typescript.js');
type TsNode = import('../tools/lint/node_modules/typescript/lib/typescript.js').Node;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ts = createRequire(path.join(ROOT, 'tools/lint/package.json'))('typescript') as Ts;

type Rule = 'core-is-pure' | 'client-node-in-kube' | 'process-in-cli' | 'views-not-kube' | 'cli-on-top';

const KNOWN_VIOLATIONS: { file: string; rule: Rule; why: string }[] = [];

interface Use {
  /** The import specifier, or `process` for a use of the global. */
  what: string;
  typeOnly: boolean;
  line: number;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx|mts|cts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function isTypeOnlyImport(
  node: import('../tools/lint/node_modules/typescript/lib/typescript.js').ImportDeclaration,
): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import 'x'` runs x
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return (
    !!bindings &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

/** `process` used as a value: not a property name (`x.process`), a key, or a declared name. */
function isProcessValue(node: import('../tools/lint/node_modules/typescript/lib/typescript.js').Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) {
    return ts.isIdentifier(parent.expression) && parent.expression.text === 'globalThis';
  }
  if (
    (ts.isPropertyAssignment(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isMethodDeclaration(parent)) &&
    parent.name === node
  )
    return false;
  if (
    (ts.isVariableDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isBindingElement(parent) ||
      ts.isFunctionDeclaration(parent)) &&
    parent.name === node
  )
    return false;
  if (ts.isQualifiedName(parent) || ts.isTypeReferenceNode(parent)) return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return false;
  return true;
}

function usesOf(file: string): Use[] {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const uses: Use[] = [];
  const line = (n: TsNode): number => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const visit = (node: TsNode): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      uses.push({ what: node.moduleSpecifier.text, typeOnly: isTypeOnlyImport(node), line: line(node) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      uses.push({ what: node.moduleSpecifier.text, typeOnly: node.isTypeOnly, line: line(node) });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      uses.push({ what: node.moduleReference.expression.text, typeOnly: node.isTypeOnly, line: line(node) });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      uses.push({ what: node.arguments[0].text, typeOnly: false, line: line(node) });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      uses.push({ what: node.argument.literal.text, typeOnly: true, line: line(node) });
    } else if (ts.isIdentifier(node) && node.text === 'process' && isProcessValue(node)) {
      uses.push({ what: 'process', typeOnly: false, line: line(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return uses;
}

/** The repo-relative file a relative specifier points at (extension-less), or null for a package/built-in. */
function target(root: string, from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  return path
    .relative(root, path.resolve(path.dirname(from), spec))
    .split(path.sep)
    .join('/');
}

const within = (rel: string, dir: string): boolean => rel === dir || rel.startsWith(`${dir}/`);

function broken(root: string, rel: string, abs: string, use: Use): Rule | null {
  const to = target(root, abs, use.what);
  if (within(rel, 'src/core') && (to === null ? true : !within(to, 'src/core'))) return 'core-is-pure';
  if (use.what === '@kubernetes/client-node' || use.what.startsWith('@kubernetes/client-node/')) {
    return within(rel, 'src/kube') ? null : 'client-node-in-kube';
  }
  if ((use.what === 'process' || use.what === 'node:process') && !within(rel, 'src/cli')) return 'process-in-cli';
  if ((within(rel, 'src/render') || within(rel, 'src/tui')) && to !== null && within(to, 'src/kube'))
    return 'views-not-kube';
  if (!within(rel, 'src/cli') && to !== null && within(to, 'src/cli')) return 'cli-on-top';
  return null;
}

interface Violation {
  file: string;
  rule: Rule;
  detail: string;
}

/** Every rule broken by the files under root/src. */
function violations(root: string): Violation[] {
  const out: Violation[] = [];
  for (const abs of sourceFiles(path.join(root, 'src'))) {
    const rel = path.relative(root, abs).split(path.sep).join('/');
    for (const use of usesOf(abs)) {
      const rule = broken(root, rel, abs, use);
      if (rule) out.push({ file: rel, rule, detail: `${rel}:${use.line} ${use.typeOnly ? 'type ' : ''}${use.what}` });
    }
  }
  return out;
}

const all = violations(ROOT);
const known = (v: { file: string; rule: Rule }): boolean =>
  KNOWN_VIOLATIONS.some((k) => k.file === v.file && k.rule === v.rule);

for (const rule of ['core-is-pure', 'client-node-in-kube', 'process-in-cli', 'views-not-kube', 'cli-on-top'] as const) {
  test(`architecture: ${rule}`, () => {
    const found = all.filter((v) => v.rule === rule && !known(v)).map((v) => v.detail);
    assert.deepEqual(found, [], `${rule} is broken (fix it; see docs/ARCHITECTURE.md):\n${found.join('\n')}`);
  });
}

test('architecture: every KNOWN_VIOLATIONS entry still breaks its rule (remove entries that were fixed)', () => {
  const stale = KNOWN_VIOLATIONS.filter((k) => !all.some((v) => v.file === k.file && v.rule === k.rule));
  assert.deepEqual(stale, []);
});

test('architecture: the checker sees what it checks (known shapes, and one breach of each rule)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memwhy-arch-'));
  const write = (rel: string, lines: string[]): void => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), lines.join('\n'));
  };
  try {
    write('probe.ts', [
      "import fs from 'node:fs';",
      "import type { X } from './x.js';",
      "import { type Y } from './y.js';",
      "export { z } from './z.js';",
      "const m = await import('./lazy.js');",
      "let t: typeof import('./typed.js');",
      'const env = process.env;',
      'const o = { process: 1 }; o.process;',
      'globalThis.process.exit(0);',
    ]);
    const got = usesOf(path.join(dir, 'probe.ts')).map((u) => `${u.line} ${u.typeOnly ? 'type ' : ''}${u.what}`);
    assert.deepEqual(got, [
      '1 node:fs',
      '2 type ./x.js',
      '3 type ./y.js',
      '4 ./z.js',
      '5 ./lazy.js',
      '6 type ./typed.js',
      '7 process',
      '9 process',
    ]);
    write('src/core/a.ts', ["import type { Io } from '../cli/main.js';", "import { b } from './b.js';"]);
    write('src/core/b.ts', ["import { readFileSync } from 'node:fs';"]);
    write('src/app/c.ts', [
      "import type { V1Pod } from '@kubernetes/client-node';",
      'export const cwd = () => process.cwd();',
    ]);
    write('src/tui/d.tsx', ["import type { Live } from '../kube/live.js';"]);
    write('src/kube/h.ts', ["import { ExitCode } from '../cli/exit-codes.js';"]);
    write('src/cli/e.ts', ['process.exit(0);']);
    write('src/kube/f.ts', [
      "import { KubeConfig } from '@kubernetes/client-node';",
      "import { g } from '../core/g.js';",
    ]);
    const found = violations(dir)
      .map((v) => `${v.rule} ${v.detail}`)
      .sort();
    assert.deepEqual(found, [
      'cli-on-top src/kube/h.ts:1 ../cli/exit-codes.js',
      'client-node-in-kube src/app/c.ts:1 type @kubernetes/client-node',
      'core-is-pure src/core/a.ts:1 type ../cli/main.js',
      'core-is-pure src/core/b.ts:1 node:fs',
      'process-in-cli src/app/c.ts:2 process',
      'views-not-kube src/tui/d.tsx:1 type ../kube/live.js',
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
