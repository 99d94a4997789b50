// The key map, and a thin adapter from Ink's useInput to named keys. The mapping itself is pure (`keyOf`).
import { useInput, useStdin, type Key } from 'ink';

export type KeyName =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'enter'
  | 'back'
  | 'nextContainer'
  | 'prevContainer'
  | 'watch'
  | 'save'
  | 'help'
  | 'quit';

/** Every key, for the help screen and the footer. */
export const KEY_MAP: ReadonlyArray<{ keys: string; name: KeyName | 'scroll'; text: string }> = [
  { keys: '↑ ↓  j k', name: 'up', text: 'move the selection, or scroll' },
  { keys: 'PgUp PgDn  Home End', name: 'scroll', text: 'move a page, or to the top / bottom' },
  { keys: 'Enter  →', name: 'enter', text: 'open the selected row (drill in)' },
  { keys: 'Esc  ←  Backspace', name: 'back', text: 'go back; closes help' },
  { keys: 'Tab  Shift-Tab', name: 'nextContainer', text: 'next / previous container' },
  { keys: 'w', name: 'watch', text: 'live watch on/off (re-reads and draws a trend)' },
  { keys: 's', name: 'save', text: 'save what was read' },
  { keys: '?', name: 'help', text: 'this help' },
  { keys: 'q  Ctrl-C', name: 'quit', text: 'quit' },
];

/** Maps one key press (as Ink reports it) to a named key, or null when it means nothing here. */
export function keyOf(input: string, key: Partial<Key>): KeyName | null {
  if (key.ctrl && input === 'c') return 'quit';
  if (key.upArrow || (!key.ctrl && !key.meta && input === 'k')) return 'up';
  if (key.downArrow || (!key.ctrl && !key.meta && input === 'j')) return 'down';
  if (key.pageUp) return 'pageUp';
  if (key.pageDown) return 'pageDown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return || key.rightArrow) return 'enter';
  if (key.escape || key.leftArrow || key.backspace || key.delete) return 'back';
  if (key.tab) return key.shift ? 'prevContainer' : 'nextContainer';
  if (key.ctrl || key.meta) return null;
  switch (input) {
    case 'w':
      return 'watch';
    case 's':
      return 'save';
    case '?':
      return 'help';
    case 'q':
      return 'quit';
    default:
      return null;
  }
}

/** Calls `onKey` with each named key while `isActive` (and only where raw mode is possible: a TTY stdin). */
export function useKeys(onKey: (name: KeyName) => void, options: { isActive?: boolean } = {}): void {
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      const name = keyOf(input, key);
      if (name) onKey(name);
    },
    { isActive: (options.isActive ?? true) && isRawModeSupported },
  );
}
