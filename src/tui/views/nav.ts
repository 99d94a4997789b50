// Navigation between the overview list, a node screen and a pod's drill-down. Pure: a reducer over the screens
// opened (a stack, so Esc goes back to where the user came from) and the selection of each screen, kept when
// the user comes back to it.

export type ViewScreen =
  { kind: 'list' } | { kind: 'node'; name: string } | { kind: 'pod'; namespace: string; name: string };

export interface ViewsNav {
  screen: ViewScreen;
  /** The screens under the current one, oldest first. */
  stack: ViewScreen[];
  /** The selected row of each screen, by screenKey(). */
  selected: Record<string, number>;
  help: boolean;
  quit: boolean;
  message: string | null;
}

export type ViewsAction =
  | { type: 'move'; delta: number; count: number }
  | { type: 'open'; screen: ViewScreen | null; why?: string }
  | { type: 'back' }
  | { type: 'toggleHelp' }
  | { type: 'quit' };

export function screenKey(s: ViewScreen): string {
  return s.kind === 'list' ? 'list' : s.kind === 'node' ? `node/${s.name}` : `pod/${s.namespace}/${s.name}`;
}

export function initialViewsNav(start: ViewScreen = { kind: 'list' }): ViewsNav {
  return { screen: start, stack: [], selected: {}, help: false, quit: false, message: null };
}

/** The selected row of the current screen. */
export function selectedRow(nav: ViewsNav): number {
  return nav.selected[screenKey(nav.screen)] ?? 0;
}

function clamp(i: number, count: number): number {
  return count <= 0 ? 0 : Math.min(count - 1, Math.max(0, i));
}

export function reduceViews(nav: ViewsNav, action: ViewsAction): ViewsNav {
  const state = { ...nav, message: null };
  switch (action.type) {
    case 'move': {
      if (nav.help) return state;
      const key = screenKey(nav.screen);
      return { ...state, selected: { ...nav.selected, [key]: clamp(selectedRow(nav) + action.delta, action.count) } };
    }
    case 'open':
      if (nav.help) return state;
      if (!action.screen) return { ...state, message: action.why ?? 'nothing to open here' };
      if (screenKey(action.screen) === screenKey(nav.screen)) return state;
      return { ...state, stack: [...nav.stack, nav.screen], screen: action.screen };
    case 'back': {
      if (nav.help) return { ...state, help: false };
      const under = nav.stack[nav.stack.length - 1];
      return under ? { ...state, screen: under, stack: nav.stack.slice(0, -1) } : state;
    }
    case 'toggleHelp':
      return { ...state, help: !nav.help };
    case 'quit':
      return { ...state, quit: true };
  }
}
