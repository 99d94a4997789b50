// What --help shows, as a user reads it at 80 columns (issue 13 item 6).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from '../../src/cli/args.js';

function help(argv: string[] = ['--help'], width = 80): string {
  const o = parseArgs(argv, { width });
  assert.equal(o.kind, 'help');
  return o.kind === 'help' ? o.text : '';
}

function section(text: string, title: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(title);
  assert.ok(start >= 0, `${title} in help`);
  return lines.slice(start + 1);
}

test('--no-reader is listed with its own meaning, not as --reader [default: true]', () => {
  const text = help();
  assert.match(text, /^ {6}--no-reader +do not start the reader pod: API data only/m);
  assert.doesNotMatch(text, /--reader {2,}/);
  assert.doesNotMatch(text, /\[default: true\]/);
  const o = parseArgs(['web-0', '--no-reader']);
  assert.equal(o.kind === 'run' && o.reader.enabled, false);
  const on = parseArgs(['web-0']);
  assert.equal(on.kind === 'run' && on.reader.enabled, true);
});

test('the closing paragraphs wrap only at the terminal width, never mid-sentence', () => {
  const text = help();
  const closing = text.slice(text.indexOf('The node reader:')).split('\n');
  closing.forEach((line, i) => {
    assert.ok(line.length <= 80, `fits 80 columns: ${line}`);
    const next = closing[i + 1];
    if (line !== '' && next !== undefined && next !== '')
      assert.ok(line.length >= 60, `a full line before the next: ${JSON.stringify(line)}`);
  });
  assert.match(
    text.replace(/\s+/g, ' '),
    /5 unreachable or bad kubeconfig, 6 bad input, 7 Node\.js too old, 10 problem found/,
  );
});

test('each example command stays on its line at 80 columns', () => {
  const examples = section(help(), 'Examples:');
  const rows = examples.slice(0, examples.indexOf(''));
  for (const row of rows.filter((r) => /^ {2}\S/.test(r)))
    assert.match(row, /^ {2}kubectl memwhy /, `a wrapped command: ${row}`);
  assert.ok(rows.some((r) => r.includes('kubectl memwhy --from ./snapshot')));
});

test('`memwhy help` is the help, as `kubectl help` is; a pod named help is pod/help', () => {
  assert.match(help(['help']), /^Usage: kubectl memwhy <pod> \[flags\]/);
  const pod = parseArgs(['pod/help']);
  assert.deepEqual(pod.kind === 'run' && pod.target, { kind: 'pod', name: 'help' });
});
