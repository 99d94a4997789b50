// Keys → navigation actions, for the answer phase. Pure: the App passes what the reducer cannot know (how many
// rows the screen has, the page size, whether save and watch exist and why not).
import type { NavAction } from './navigation.js';
import type { KeyName } from './use-keys.js';

export interface KeyContext {
  /** Rows of the displayed screen (undefined before the first layout). */
  count: number | undefined;
  /** Rows a page key moves. */
  page: number;
  canWatch: boolean;
  /** Why there is no watch, for the message. */
  watchUnavailable?: string;
  canSave: boolean;
}

export function keyAction(k: KeyName, ctx: KeyContext): NavAction {
  const { count, page } = ctx;
  switch (k) {
    case 'up':
      return { type: 'move', delta: -1, count };
    case 'down':
      return { type: 'move', delta: 1, count };
    case 'pageUp':
      return { type: 'move', delta: -page, count };
    case 'pageDown':
      return { type: 'move', delta: page, count };
    case 'home':
      return { type: 'move', delta: -Infinity, count };
    case 'end':
      return { type: 'move', delta: Infinity, count };
    case 'enter':
      return { type: 'enter', count };
    case 'back':
      return { type: 'back' };
    case 'nextContainer':
      return { type: 'nextContainer' };
    case 'prevContainer':
      return { type: 'prevContainer' };
    case 'watch':
      return ctx.canWatch
        ? { type: 'toggleWatch' }
        : {
            type: 'message',
            text: `live watch is not available here${ctx.watchUnavailable ? `: ${ctx.watchUnavailable}` : ''}`,
          };
    case 'save':
      return ctx.canSave ? { type: 'save' } : { type: 'message', text: 'saving is not available here' };
    case 'help':
      return { type: 'toggleHelp' };
    case 'quit':
      return { type: 'quit' };
  }
}
