// The overview list and the node screen, and the pod drill-down (the pod App) they open. Thin: navigation is
// nav.ts, what each screen shows is overview-model.ts / node-model.ts; the data comes through the ports.
import { Box, Text, useInput } from 'ink';
import { useEffect, useReducer, useRef, useState, type ReactNode } from 'react';
import type { NodeReport } from '../../app/views/node-view.js';
import type { OverviewReport } from '../../app/views/overview.js';
import type { Analysis } from '../../core/types.js';
import { App, errorText, useTerminalSize, type TuiResult } from '../App.js';
import { truncate } from '../format.js';
import { createProgress } from '../progress.js';
import { keyOf } from '../use-keys.js';
import { initialViewsNav, reduceViews, screenKey, selectedRow, type ViewScreen, type ViewsNav } from './nav.js';
import { nodeModel, podOfRank } from './node-model.js';
import { nodeOfRow, overviewModel, podOfRow, windowStart } from './overview-model.js';

/** What the screens read, as functions: the CLI builds them (src/cli/views-tui.ts); no cluster code here. */
export interface ViewsPorts {
  loadOverview?: (signal: AbortSignal) => Promise<OverviewReport>;
  loadNode: (name: string, signal: AbortSignal) => Promise<NodeReport>;
  /** Gathers and analyses one pod (the reader pod starts here); `progress` gets each step. */
  loadPod: (
    namespace: string,
    name: string,
    signal: AbortSignal,
    progress: (message: string) => void,
  ) => Promise<Analysis>;
  /** Saves what was read for a pod opened from the list (key s in its drill-down). */
  savePod?: (analysis: Analysis) => Promise<string | void>;
}

export interface ViewsAppProps {
  ports: ViewsPorts;
  start: ViewScreen;
  color?: boolean;
  onExit?: (result: TuiResult) => void;
  size?: { columns: number; rows: number };
}

type Loaded<R> = { kind: 'loading' } | { kind: 'ready'; report: R } | { kind: 'error'; error: unknown };
type Reports = Record<string, Loaded<OverviewReport | NodeReport>>;

export const VIEWS_HELP: ReadonlyArray<[string, string]> = [
  ['↑ ↓  j k', 'move the selection'],
  ['Enter  →', "open the selected pod's drill-down"],
  ['n', "open the selected pod's node (the list)"],
  ['Esc  ←', 'back to the screen before; closes help'],
  ['?', 'this help'],
  ['q  Ctrl-C', 'quit'],
];

/** Loads the list's or a node's report once, when its screen is first shown; aborted on unmount. */
function useReports(screen: ViewScreen, ports: ViewsPorts): Reports {
  const [reports, setReports] = useState<Reports>({});
  const aborts = useRef(new AbortController());
  const key = screenKey(screen);
  useEffect(() => () => aborts.current.abort(), []);
  useEffect(() => {
    if (screen.kind === 'pod' || reports[key]) return;
    setReports((r) => ({ ...r, [key]: { kind: 'loading' } }));
    const signal = aborts.current.signal;
    const load =
      screen.kind === 'node'
        ? ports.loadNode(screen.name, signal)
        : (ports.loadOverview ?? (() => Promise.reject(new Error('no overview here'))))(signal);
    load.then(
      (report) => setReports((r) => ({ ...r, [key]: { kind: 'ready', report } })),
      (error: unknown) => setReports((r) => ({ ...r, [key]: { kind: 'error', error } })),
    );
  }, [key]);
  return reports;
}

export function ViewsApp(props: ViewsAppProps) {
  const { columns, rows } = useTerminalSize(props.size);
  const width = Math.max(40, columns);
  const height = Math.max(8, rows);
  const color = props.color ?? true;
  const [nav, dispatch] = useReducer(reduceViews, props.start, initialViewsNav);
  const reports = useReports(nav.screen, props.ports);
  const exited = useRef(false);
  const exit = (r: TuiResult) => {
    if (exited.current) return;
    exited.current = true;
    props.onExit?.(r);
  };
  useEffect(() => {
    if (nav.quit) exit({ exitCode: 0 });
  });
  // While a pod is being read its App only knows q; Esc here leaves it (unmounting it aborts the reading).
  const [podLoading, setPodLoading] = useState<string | null>(null);
  const loaded = reports[screenKey(nav.screen)];
  const view = screenView(nav, loaded, width, height - 2, color);
  useInput(
    (input, key) => {
      const name = input === 'n' && !key.ctrl && !key.meta ? 'node' : keyOf(input, key);
      if (nav.screen.kind === 'pod') return name === 'back' ? dispatch({ type: 'back' }) : undefined;
      if (name === 'quit') return dispatch({ type: 'quit' });
      if (name === 'up' || name === 'down')
        dispatch({ type: 'move', delta: name === 'up' ? -1 : 1, count: view.count });
      else if (name === 'pageUp' || name === 'pageDown')
        dispatch({ type: 'move', delta: (name === 'pageUp' ? -1 : 1) * (height - 4), count: view.count });
      else if (name === 'enter') dispatch({ type: 'open', screen: view.open(), why: 'no pod on this row' });
      else if (name === 'node') dispatch({ type: 'open', screen: view.node(), why: 'this pod has no node' });
      else if (name === 'back') dispatch({ type: 'back' });
      else if (name === 'help') dispatch({ type: 'toggleHelp' });
    },
    { isActive: (nav.screen.kind !== 'pod' || podLoading === screenKey(nav.screen)) && !exited.current },
  );
  if (nav.screen.kind === 'pod')
    return <PodView {...props} screen={nav.screen} dispatch={dispatch} exit={exit} onLoading={setPodLoading} />;
  return (
    <Frame
      width={width}
      height={height}
      color={color}
      left={view.left}
      right={view.right}
      footer={nav.message ?? view.footer}
    >
      {nav.help ? <Help height={height - 2} /> : view.body}
    </Frame>
  );
}

/** A pod's drill-down: the pod App, loading through the port; Esc (its onBack) or an error comes back here. */
function PodView(
  props: ViewsAppProps & {
    screen: { kind: 'pod'; namespace: string; name: string };
    onLoading: (update: (loading: string | null) => string | null) => void;
    dispatch: (a: { type: 'back' }) => void;
    exit: (r: TuiResult) => void;
  },
) {
  const { screen, ports } = props;
  const [progress] = useState(createProgress);
  const load = (signal: AbortSignal) => {
    const key = screenKey(screen);
    props.onLoading(() => key);
    return ports
      .loadPod(screen.namespace, screen.name, signal, (m) => progress.report(m))
      .finally(() => {
        progress.end();
        props.onLoading((k) => (k === key ? null : k));
      });
  };
  const back = () => props.dispatch({ type: 'back' });
  return (
    <App
      key={screenKey(screen)}
      load={load}
      progress={progress}
      save={ports.savePod}
      watchUnavailable="it is not offered for a pod opened from the list yet: run kubectl memwhy <pod>"
      color={props.color}
      size={props.size}
      onExit={(r) => (r.error !== undefined ? back() : props.exit(r))}
      onBack={back}
    />
  );
}

interface ScreenView {
  left: string;
  right: string;
  footer: string;
  body: ReactNode;
  count: number;
  open: () => ViewScreen | null;
  node: () => ViewScreen | null;
}

const LIST_FOOTER = '↑↓ move  ⏎ pod  n node  ? help  q quit';
const NODE_FOOTER = '↑↓ move  ⏎ pod  esc back  ? help  q quit';

function screenView(
  nav: ViewsNav,
  loaded: Loaded<unknown> | undefined,
  width: number,
  bodyH: number,
  color: boolean,
): ScreenView {
  const crumbs = [...nav.stack, nav.screen].map((s) =>
    s.kind === 'list' ? 'Overview' : s.kind === 'node' ? `node/${s.name}` : s.name,
  );
  const base = { left: `memwhy  ${crumbs.join(' › ')}`, right: '', count: 0, open: () => null, node: () => null };
  const footer = nav.screen.kind === 'list' ? LIST_FOOTER : NODE_FOOTER;
  if (!loaded || loaded.kind === 'loading')
    return {
      ...base,
      footer: nav.stack.length ? 'esc back  q quit' : 'q quit',
      body: <Message text="gathering…" height={bodyH} />,
    };
  if (loaded.kind === 'error') {
    const e = errorText(loaded.error);
    const text = `✖ error: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}`;
    return {
      ...base,
      footer: nav.stack.length ? 'esc back  q quit' : 'q quit',
      body: <Message text={text} height={bodyH} tone={color ? 'red' : undefined} />,
    };
  }
  const sel = selectedRow(nav);
  if (nav.screen.kind === 'list')
    return { ...base, footer, ...listView(loaded.report as OverviewReport, sel, width, bodyH, color) };
  return { ...base, footer, ...nodeView(loaded.report as NodeReport, sel, width, bodyH, color) };
}

function listView(report: OverviewReport, sel: number, width: number, bodyH: number, color: boolean) {
  const m = overviewModel(report, width - 3);
  const footer = m.footer.slice(0, Math.max(0, bodyH - 3));
  const room = Math.max(1, bodyH - 1 - footer.length);
  const start = windowStart(sel, m.rows.length, room);
  const shown = m.rows.slice(start, start + room);
  const body = (
    <Box flexDirection="column" height={bodyH} paddingLeft={1}>
      <Text bold>{`  ${m.header}`}</Text>
      {shown.length === 0 ? <Text dimColor>no pods</Text> : null}
      {shown.map((r, i) => (
        <Text
          key={start + i}
          inverse={start + i === sel}
          color={color && r.tone ? r.tone : undefined}
          wrap="truncate-end"
        >
          {`${start + i === sel ? '›' : ' '} ${r.text}`}
        </Text>
      ))}
      <Box flexGrow={1} />
      {footer.map((l, i) => (
        <Text key={`f${i}`} dimColor wrap="truncate-end">
          {l}
        </Text>
      ))}
    </Box>
  );
  const row = m.rows[sel]?.row;
  return {
    body,
    count: m.rows.length,
    right: m.rows.length ? `${sel + 1}/${m.rows.length}` : '',
    open: () => podOfRow(row),
    node: () => nodeOfRow(row),
  };
}

function nodeView(report: NodeReport, sel: number, width: number, bodyH: number, color: boolean) {
  const m = nodeModel(report, width - 2);
  const selLine = m.orderLines[sel] ?? -1;
  // Scrolled only as far as the selected pod needs (and two lines under it), so the figures above stay in view.
  const start = Math.max(0, Math.min(m.lines.length - bodyH, selLine - bodyH + 3));
  const shown = m.lines.slice(start, start + bodyH);
  const body = (
    <Box flexDirection="column" height={bodyH} paddingLeft={1}>
      {shown.map((l, i) => (
        <Text key={start + i} inverse={start + i === selLine} bold={color && start + i === selLine} wrap="truncate-end">
          {start + i === selLine ? `›${l.slice(1)}` : l === '' ? ' ' : l}
        </Text>
      ))}
    </Box>
  );
  return {
    body,
    count: m.orderLines.length,
    right: m.orderLines.length ? `#${sel + 1}/${m.orderLines.length}` : '',
    open: () => podOfRank(report, sel),
    node: () => null,
  };
}

function Message({ text, height, tone }: { text: string; height: number; tone?: 'red' }) {
  return (
    <Box flexDirection="column" height={height} paddingLeft={2}>
      {text.split('\n').map((l, i) => (
        <Text key={i} color={tone} bold={i === 0} wrap="wrap">
          {l}
        </Text>
      ))}
    </Box>
  );
}

function Help({ height }: { height: number }) {
  return (
    <Box flexDirection="column" height={height} paddingLeft={2}>
      <Text bold>Keys in the list and the node screen</Text>
      {VIEWS_HELP.map(([k, t]) => (
        <Text key={k} wrap="truncate-end">
          {k.padEnd(12)} {t}
        </Text>
      ))}
      <Text dimColor>In a pod&apos;s drill-down, ? shows its own keys; Esc comes back here.</Text>
    </Box>
  );
}

function Frame(props: {
  width: number;
  height: number;
  color: boolean;
  left: string;
  right: string;
  footer: string;
  children: ReactNode;
}) {
  const { width, color } = props;
  const right = props.right ? ` ${props.right} ` : '';
  const left = truncate(` ${props.left}`, Math.max(10, width - right.length));
  return (
    <Box flexDirection="column" width={width} height={props.height}>
      <Text bold inverse={color || undefined} color={color ? 'cyan' : undefined} wrap="truncate-end">
        {left}
        {' '.repeat(Math.max(0, width - left.length - right.length))}
        {right}
      </Text>
      {props.children}
      <Text wrap="truncate-end" dimColor>
        {` ${props.footer}`}
      </Text>
    </Box>
  );
}
