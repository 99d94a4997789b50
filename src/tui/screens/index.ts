// One entry to build any screen's model.
import type { ScreenId } from '../navigation.js';
import { breakdownModel } from './breakdown.js';
import { chainModel } from './chain.js';
import { eventModel, eventsModel } from './events.js';
import { helpModel } from './help.js';
import type { ScreenModel, ScreenProps } from './model.js';
import { nodeModel } from './node.js';
import { sizingModel } from './sizing.js';
import { summaryModel } from './summary.js';
import { toolsModel } from './tools.js';
import { verdictModel, verdictsModel } from './verdicts.js';

export function buildScreen(screen: ScreenId, props: ScreenProps): ScreenModel {
  switch (screen) {
    case 'summary':
      return summaryModel(props);
    case 'chain':
      return chainModel(props);
    case 'breakdown':
      return breakdownModel(props);
    case 'tools':
      return toolsModel(props);
    case 'verdicts':
      return verdictsModel(props);
    case 'verdict':
      return verdictModel(props);
    case 'node':
      return nodeModel(props);
    case 'events':
      return eventsModel(props);
    case 'event':
      return eventModel(props);
    case 'help':
      return helpModel(props);
    case 'sizing':
      return sizingModel(props);
  }
}

export type { ScreenModel, ScreenProps } from './model.js';
export { rowCount, viewport } from './model.js';
