// The TUI's root component. It holds view state only: the analysis comes from `analysis` or `load`, later ones
// from `watch`; saving is the caller's `save`. Phases: gathering (progress lines) → the answer, or an error.
import { Box, Text, useStdout } from 'ink';
import { useEffect, useReducer, useRef, useState, type Dispatch, type ReactNode } from 'react';
import { ExitCode } from '../errors.js';
import type { Analysis } from '../core/types.js';
import { errorText, useGather, useLiveWatch, useProgressLines, useSave, type Phase } from './app-hooks.js';
import { truncate } from './format.js';
import { keyAction } from './key-actions.js';
import { displayed, initialNav, reduce, SCREEN_TITLES, type NavAction, type NavState } from './navigation.js';
import type { ProgressEvent, ProgressSource } from './progress.js';
import { buildScreen } from './screens/index.js';
import { rowCount, viewport, type ScreenModel } from './screens/model.js';
import { ScreenView } from './screens/view.js';
import { addSample, DEFAULT_SAMPLE_LIMIT, type Samples } from './sparkline.js';
import { useKeys, type KeyName } from './use-keys.js';

/** Exit code when the user quits before the answer arrived (128 + SIGINT, as the CLI uses for Ctrl-C). */
export const EXIT_INTERRUPTED = ExitCode.Interrupted;

export interface TuiResult {
  exitCode: number;
  /** The error `load` failed with, when it did. */
  error?: unknown;
}

export interface AppProps {
  /** A finished analysis: shown at once. */
  analysis?: Analysis;
  /** Or how to get one; aborted when the user quits while it runs. */
  load?: (signal: AbortSignal) => Promise<Analysis>;
  progress?: ProgressSource;
  /** Saves what was read; the returned text (e.g. the folder) is shown. */
  save?: (analysis: Analysis) => Promise<string | void>;
  /** Live watch: each analysis replaces the shown one while watch is on. */
  watch?: () => AsyncIterable<Analysis>;
  /** Why there is no `watch` (shown on w). */
  watchUnavailable?: string;
  /** -c: the container to start on. */
  container?: string | null;
  color?: boolean;
  /** Called once, when the user quits (or leaves the error screen). */
  onExit?: (result: TuiResult) => void;
  /** Embedded in another view (e.g. the overview list): Esc / ← / Backspace on the root screen (Summary, help
   *  closed) call this to hand control back. Without it, back on the root does nothing; q still quits. */
  onBack?: () => void;
  /** Samples kept per container for the sparklines. */
  sampleLimit?: number;
  /** Fixed size (tests); otherwise stdout.columns × stdout.rows, following resizes. */
  size?: { columns: number; rows: number };
}

export { errorText } from './app-hooks.js';

function readSize(out: unknown): { columns: number; rows: number } {
  const stdout = out as { columns?: number; rows?: number } | undefined;
  const columns = stdout && typeof stdout.columns === 'number' && stdout.columns > 0 ? stdout.columns : 80;
  const rows = stdout && typeof stdout.rows === 'number' && stdout.rows > 0 ? stdout.rows : 24;
  return { columns, rows };
}

/** The terminal size from stdout, re-read on resize. */
export function useTerminalSize(fixed?: { columns: number; rows: number }): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => fixed ?? readSize(stdout));
  useEffect(() => {
    if (fixed || !stdout || typeof stdout.on !== 'function') return;
    const onResize = () => setSize(readSize(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}

/** The container asked for with -c, else the one the main verdict is about, else the first. */
function mainContainer(a: Analysis, asked: string | null = null): number {
  const name = asked ?? a.verdicts.find((v) => v.container)?.container;
  const i = name ? a.containers.findIndex((c) => c.name === name) : -1;
  return i >= 0 ? i : 0;
}

const FOOTER_READY = '↑↓ move  ⏎ open  esc back  tab container  w watch  s save  ? help  q quit';
const FOOTER_HELP = '↑↓ scroll  esc/? close help  q quit';

/** The answer's state: the phase, the view state and the samples, and `show`, which puts an analysis on screen. */
function useAnswerState(props: AppProps) {
  const [phase, setPhase] = useState<Phase>(() =>
    props.analysis ? { kind: 'ready', analysis: props.analysis } : { kind: 'loading' },
  );
  const [nav, dispatch] = useReducer(reduce, undefined, () =>
    props.analysis
      ? initialNav({
          containers: props.analysis.containers.length,
          container: mainContainer(props.analysis, props.container),
        })
      : initialNav(),
  );
  const keep = props.sampleLimit ?? DEFAULT_SAMPLE_LIMIT;
  const [samples, setSamples] = useState<Samples>(() => (props.analysis ? addSample({}, props.analysis, keep) : {}));
  /** Shows an analysis (the first, or one from watch): in one update with its sample, so frames never disagree. */
  const show = (a: Analysis) => {
    dispatch({ type: 'setContainers', count: a.containers.length });
    setPhase({ kind: 'ready', analysis: a });
    setSamples((prev) => addSample(prev, a, keep));
  };
  return { phase, setPhase, nav, dispatch, samples, show };
}

/** `onExit`, called at most once; `exited` says whether it was. */
function useExitOnce(onExit: AppProps['onExit']) {
  const exited = useRef(false);
  const exit = (result: TuiResult) => {
    if (exited.current) return;
    exited.current = true;
    onExit?.(result);
  };
  return { exit, exited };
}

interface KeyTarget {
  props: AppProps;
  phase: Phase;
  nav: NavState;
  dispatch: Dispatch<NavAction>;
  exit: (result: TuiResult) => void;
  /** The displayed screen's model (its rows), from the last frame. */
  model: ScreenModel | null;
  bodyH: number;
}

/** What a key does in each phase: quit while gathering; leave the error screen; else navigate (or hand back). */
function onAppKey(k: KeyName, t: KeyTarget): void {
  const { props, phase, bodyH } = t;
  if (phase.kind === 'loading') {
    if (k === 'quit') t.exit({ exitCode: EXIT_INTERRUPTED });
  } else if (phase.kind === 'error') {
    if (k === 'quit' || k === 'back' || k === 'enter')
      t.exit({ exitCode: errorText(phase.error).code, error: phase.error });
  } else {
    if (k === 'back' && props.onBack && isRoot(t.nav)) return props.onBack();
    t.dispatch(
      keyAction(k, {
        count: t.model ? rowCount(t.model, bodyH) : undefined,
        page: Math.max(1, bodyH - 2),
        canWatch: !!props.watch,
        watchUnavailable: props.watchUnavailable,
        canSave: !!props.save,
      }),
    );
  }
}

export function App(props: AppProps) {
  const { columns, rows } = useTerminalSize(props.size);
  const width = Math.max(40, columns);
  const height = Math.max(8, rows);
  const bodyH = height - 2;
  const color = props.color ?? true;
  const { phase, setPhase, nav, dispatch, samples, show } = useAnswerState(props);
  const { exit, exited } = useExitOnce(props.onExit);
  const modelRef = useRef<ScreenModel | null>(null);

  useGather(
    props.load,
    props.analysis !== undefined,
    (a) => {
      show(a);
      dispatch({ type: 'selectContainer', index: mainContainer(a, props.container) });
    },
    (error) => setPhase({ kind: 'error', error }),
  );
  const events = useProgressLines(props.progress);
  const analysis = phase.kind === 'ready' ? phase.analysis : null;
  useLiveWatch(nav.watch && phase.kind === 'ready', props.watch, show, dispatch);
  useSave(nav.saveRequested, analysis, props.save, dispatch);
  useEffect(() => {
    if (nav.quit) exit({ exitCode: ExitCode.Ok });
  });
  useKeys((k) => onAppKey(k, { props, phase, nav, dispatch, exit, model: modelRef.current, bodyH }), {
    isActive: !exited.current,
  });

  if (phase.kind === 'loading') {
    return (
      <Frame width={width} height={height} color={color} left="memwhy" right="" footer="q quit">
        <Loading events={events} height={bodyH} width={width} color={color} />
      </Frame>
    );
  }
  if (phase.kind === 'error') return <ErrorView error={phase.error} width={width} height={height} color={color} />;
  const view = readyView(phase.analysis, nav, samples, width, bodyH);
  modelRef.current = view.model;
  return (
    <Frame
      width={width}
      height={height}
      color={color}
      left={view.left}
      right={view.right}
      footer={nav.help ? FOOTER_HELP : FOOTER_READY}
      message={nav.message}
    >
      <ScreenView model={view.model} height={bodyH} selected={view.selected} color={color} />
    </Frame>
  );
}

/** On the first screen with nothing open over it: back has nowhere to go inside the App. */
function isRoot(nav: NavState): boolean {
  return !nav.help && nav.stack.length === 0;
}

/** The answer's frame: the screen's model and the header's two sides. Pure. */
function readyView(a: Analysis, nav: NavState, samples: Samples, width: number, bodyH: number) {
  const screen = displayed(nav);
  const model = buildScreen(screen, { analysis: a, nav, width: width - 2, height: bodyH, samples });
  const selected = nav.selected[screen];
  const vp = viewport(model, bodyH, selected);
  const crumbs = [...nav.stack, nav.screen].map((s) => SCREEN_TITLES[s]);
  if (nav.help) crumbs.push('Help');
  const perContainer = !nav.help && (nav.screen === 'chain' || nav.screen === 'breakdown' || nav.screen === 'tools');
  const sub =
    perContainer && a.containers.length > 1
      ? `${model.subtitle ?? ''} ${nav.container + 1}/${a.containers.length}`
      : model.subtitle;
  const left = `memwhy  ${a.pod.namespace ?? '?'}/${a.pod.name ?? '?'}  ›  ${crumbs.join(' › ')}${sub ? ` · ${sub}` : ''}`;
  const scroll = vp.total > vp.size ? `${vp.offset + 1}–${Math.min(vp.total, vp.offset + vp.size)}/${vp.total}` : '';
  const count = samples[a.containers[nav.container]?.name ?? '']?.workingSet.length;
  const watchMark = nav.watch ? `● watch${count ? ` ${count}` : ''}` : '';
  return { model, selected, left, right: [scroll, watchMark].filter(Boolean).join('  ') };
}

function ErrorView({ error, width, height, color }: { error: unknown; width: number; height: number; color: boolean }) {
  const e = errorText(error);
  return (
    <Frame
      width={width}
      height={height}
      color={color}
      left="memwhy  error"
      right={`exit code ${e.code}`}
      footer="q, Esc or Enter: exit"
    >
      <Box flexDirection="column" height={height - 2} paddingLeft={2}>
        <Text color={color ? 'red' : undefined} bold wrap="wrap">
          ✖ error: {e.message}
        </Text>
        {e.hint ? <Text wrap="wrap">hint: {e.hint}</Text> : null}
        <Text dimColor>exit code {e.code}</Text>
      </Box>
    </Frame>
  );
}

function Frame(props: {
  width: number;
  height: number;
  color: boolean;
  left: string;
  right: string;
  footer: string;
  message?: string | null;
  children: ReactNode;
}) {
  const { width, color } = props;
  const right = props.right ? ` ${props.right} ` : '';
  const left = truncate(` ${props.left}`, Math.max(10, width - right.length));
  const footer = props.message ? `${props.message}  ·  ? help  q quit` : props.footer;
  return (
    <Box flexDirection="column" width={width} height={props.height}>
      <Box width={width}>
        <Text bold inverse={color || undefined} color={color ? 'cyan' : undefined} wrap="truncate-end">
          {left}
          {' '.repeat(Math.max(0, width - left.length - right.length))}
          {right}
        </Text>
      </Box>
      {props.children}
      <Box width={width}>
        <Text wrap="truncate-end" color={props.message && color ? 'yellow' : undefined} dimColor={!props.message}>
          {` ${footer}`}
        </Text>
      </Box>
    </Box>
  );
}

function Loading({
  events,
  height,
  width,
  color,
}: {
  events: ProgressEvent[];
  height: number;
  width: number;
  color: boolean;
}) {
  const shown = events.slice(-(height - 2));
  return (
    <Box flexDirection="column" height={height} paddingLeft={2}>
      <Text bold>gathering…</Text>
      {shown.length === 0 ? <Text dimColor>starting</Text> : null}
      {shown.map((e, i) => {
        const last = i === shown.length - 1;
        const warn = e.level === 'warn';
        const mark = warn ? '▲' : last ? '…' : '✔';
        return (
          <Text
            key={events.length - shown.length + i}
            wrap="truncate-end"
            color={color ? (warn ? 'yellow' : last ? 'cyan' : 'green') : undefined}
          >
            {mark} {truncate(e.message, width - 6)}
          </Text>
        );
      })}
    </Box>
  );
}
