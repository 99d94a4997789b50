// View state of the TUI and the pure reducer that changes it. No Ink, no analysis: the reducer knows only how
// many containers there are and, for moves, how many rows the current screen has (the caller passes `count`,
// computed from the screen's layout).

export const SCREENS = [
  'summary',
  'chain',
  'breakdown',
  'tools',
  'verdicts',
  'verdict',
  'node',
  'events',
  'event',
  'help',
  'sizing',
] as const;
export type ScreenId = (typeof SCREENS)[number];

export interface MenuItem {
  screen: ScreenId;
  label: string;
  hint: string;
}

/** The summary's menu, below its container rows. */
export const MENU: readonly MenuItem[] = [
  { screen: 'chain', label: 'Chain', hint: 'requests → limits → usage → working set → breakdown' },
  { screen: 'breakdown', label: 'Breakdown', hint: 'what the usage is made of, and what can be reclaimed' },
  { screen: 'tools', label: 'Tools', hint: 'kubectl top, docker stats, kubelet: why they differ' },
  { screen: 'verdicts', label: 'Verdicts', hint: 'what went wrong, the evidence and what to do' },
  { screen: 'node', label: 'Node', hint: 'allocatable, requests, eviction threshold, memory.available' },
  { screen: 'events', label: 'Events', hint: 'what the cluster recorded about the pod' },
  { screen: 'help', label: 'Help', hint: 'keys and a glossary' },
  { screen: 'sizing', label: 'Sizing', hint: 'what request and limit to set, beside krr and VPA' },
];

export const SCREEN_TITLES: Record<ScreenId, string> = {
  summary: 'Summary',
  chain: 'Chain',
  breakdown: 'Breakdown',
  tools: 'Tools',
  verdicts: 'Verdicts',
  verdict: 'Verdict',
  node: 'Node',
  events: 'Events',
  event: 'Event',
  help: 'Help',
  sizing: 'Sizing',
};

export interface NavState {
  /** The screen under the help overlay (never `help`: help is the overlay). */
  screen: ScreenId;
  /** Screens to go back to, oldest first. */
  stack: ScreenId[];
  /** Per screen: the selected row (list screens) or the scroll offset (text screens). */
  selected: Record<ScreenId, number>;
  /** Index of the selected container (chain, breakdown, tools). */
  container: number;
  /** How many containers there are (Tab wraps around). */
  containers: number;
  help: boolean;
  watch: boolean;
  saveRequested: boolean;
  quit: boolean;
  /** A one-line status (saved, watch stopped, …); cleared by the next key. */
  message: string | null;
}

export type NavAction =
  /** Move the selection (or scroll) of the displayed screen; `count` rows exist. ±Infinity = first/last. */
  | { type: 'move'; delta: number; count?: number }
  /** Drill into the selected row; `count` = rows of the displayed screen (0: nothing to open). */
  | { type: 'enter'; count?: number }
  | { type: 'back' }
  | { type: 'go'; screen: ScreenId }
  | { type: 'nextContainer' }
  | { type: 'prevContainer' }
  | { type: 'selectContainer'; index: number }
  | { type: 'setContainers'; count: number }
  | { type: 'toggleHelp' }
  | { type: 'toggleWatch' }
  | { type: 'setWatch'; on: boolean }
  | { type: 'save' }
  | { type: 'saveDone'; message: string }
  | { type: 'message'; text: string | null }
  | { type: 'quit' };

function zeroSelection(): Record<ScreenId, number> {
  return Object.fromEntries(SCREENS.map((s) => [s, 0])) as Record<ScreenId, number>;
}

export function initialNav(options: { containers?: number; container?: number; screen?: ScreenId } = {}): NavState {
  const containers = Math.max(0, options.containers ?? 0);
  const container = clamp(options.container ?? 0, 0, Math.max(0, containers - 1));
  const selected = zeroSelection();
  // Start the summary's cursor on the container the main verdict is about.
  selected.summary = containers > 0 ? container : 0;
  return {
    screen: options.screen && options.screen !== 'help' ? options.screen : 'summary',
    stack: [],
    selected,
    container,
    containers,
    help: options.screen === 'help',
    watch: false,
    saveRequested: false,
    quit: false,
    message: null,
  };
}

/** The screen being shown: the help overlay covers the current screen. */
export function displayed(state: NavState): ScreenId {
  return state.help ? 'help' : state.screen;
}

/** Rows of the summary: one per container, then the menu. */
export function summaryRows(containers: number): number {
  return containers + MENU.length;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

function withSelected(state: NavState, screen: ScreenId, value: number): NavState {
  if (state.selected[screen] === value) return state;
  return { ...state, selected: { ...state.selected, [screen]: value } };
}

function push(state: NavState, screen: ScreenId): NavState {
  if (screen === 'help') return { ...state, help: true, selected: { ...state.selected, help: 0 } };
  if (screen === state.screen) return { ...state, help: false };
  return {
    ...state,
    help: false,
    stack: [...state.stack, state.screen],
    screen,
    // Text screens open at the top.
    selected:
      screen === 'verdict' || screen === 'event' || screen === 'chain' || screen === 'tools' || screen === 'node'
        ? { ...state.selected, [screen]: 0 }
        : state.selected,
  };
}

function setContainer(state: NavState, index: number): NavState {
  if (state.containers <= 0) return state;
  const container = ((index % state.containers) + state.containers) % state.containers;
  if (container === state.container) return state;
  const selected = { ...state.selected, chain: 0, tools: 0 };
  // On the summary, the cursor follows the container when it is on a container row.
  if (state.selected.summary < state.containers) selected.summary = container;
  return { ...state, container, selected };
}

/** Actions that come from the program, not a key, and so keep the status message. */
const KEEPS_MESSAGE = new Set<NavAction['type']>(['message', 'saveDone', 'setContainers', 'setWatch']);

/** Moves the displayed screen's selection (or scroll), within its `count` rows when known. */
function move(state: NavState, delta: number, count: number | undefined): NavState {
  const screen = displayed(state);
  const current = state.selected[screen];
  let next = current + delta;
  if (count !== undefined) next = clamp(next, 0, Math.max(0, count - 1));
  else if (screen === 'summary') next = clamp(next, 0, summaryRows(state.containers) - 1);
  else if (!Number.isFinite(next)) next = delta < 0 ? 0 : current;
  else next = Math.max(0, next);
  return withSelected(state, screen, next);
}

/** Enter on the summary: a container row opens its chain, a menu row its screen. */
function enterSummary(state: NavState, count: number | undefined): NavState {
  const rows = count ?? summaryRows(state.containers);
  if (rows <= 0) return state;
  const sel = clamp(state.selected.summary, 0, rows - 1);
  if (sel < state.containers)
    return push(setContainer({ ...state, selected: { ...state.selected, summary: sel } }, sel), 'chain');
  const item = MENU[sel - state.containers];
  return item ? push(state, item.screen) : state;
}

/** Enter on a list (verdicts, events): opens the selected item's detail, or says there is none. */
function enterList(
  state: NavState,
  list: 'verdicts' | 'events',
  detail: ScreenId,
  count: number | undefined,
): NavState {
  if (count === 0) return { ...state, message: `no ${list} to open` };
  if (count !== undefined) return push(withSelected(state, list, clamp(state.selected[list], 0, count - 1)), detail);
  return push(state, detail);
}

/** Drill into the selected row of the current screen (help open: nothing). */
function enter(state: NavState, count: number | undefined): NavState {
  if (state.help) return state;
  switch (state.screen) {
    case 'summary':
      return enterSummary(state, count);
    case 'verdicts':
      return enterList(state, 'verdicts', 'verdict', count);
    case 'events':
      return enterList(state, 'events', 'event', count);
    case 'chain':
      return push(state, 'breakdown');
    default:
      return state;
  }
}

/** Closes help, else returns to the previous screen; on the first screen, nothing. */
function back(state: NavState): NavState {
  if (state.help) return { ...state, help: false };
  const prevScreen = state.stack[state.stack.length - 1];
  if (prevScreen === undefined) return state;
  return { ...state, screen: prevScreen, stack: state.stack.slice(0, -1) };
}

function setContainers(state: NavState, count: number): NavState {
  const containers = Math.max(0, count);
  const container = clamp(state.container, 0, Math.max(0, containers - 1));
  if (containers === state.containers && container === state.container) return state;
  return { ...state, containers, container };
}

export function reduce(prev: NavState, action: NavAction): NavState {
  const state = !KEEPS_MESSAGE.has(action.type) && prev.message !== null ? { ...prev, message: null } : prev;
  switch (action.type) {
    case 'move':
      return move(state, action.delta, action.count);
    case 'enter':
      return enter(state, action.count);
    case 'back':
      return back(state);
    case 'go':
      return push(state, action.screen);
    case 'nextContainer':
      return setContainer(state, state.container + 1);
    case 'prevContainer':
      return setContainer(state, state.container - 1);
    case 'selectContainer':
      return setContainer(state, action.index);
    case 'setContainers':
      return setContainers(state, action.count);
    case 'toggleHelp':
      return state.help
        ? { ...state, help: false }
        : { ...state, help: true, selected: { ...state.selected, help: 0 } };
    case 'toggleWatch':
      return { ...state, watch: !state.watch, message: state.watch ? 'watch off' : 'watch on' };
    case 'setWatch':
      return state.watch === action.on ? state : { ...state, watch: action.on };
    case 'save':
      if (state.saveRequested) return state;
      return { ...state, saveRequested: true, message: 'saving…' };
    case 'saveDone':
      return { ...state, saveRequested: false, message: action.message };
    case 'message':
      return state.message === action.text ? state : { ...state, message: action.text };
    case 'quit':
      return { ...state, quit: true };
  }
}
