// YAML rendering of a finished analysis (`-o yaml`): the same object as `-o json`, in YAML.
import * as yaml from 'js-yaml';
import type { Analysis } from '../core/types.js';
import { renderJson } from './json.js';

export function renderYaml(analysis: Analysis): string {
  // Through the JSON form so that key order and null-for-undefined are the same as -o json.
  return yaml.dump(JSON.parse(renderJson(analysis)), { lineWidth: -1, noRefs: true, sortKeys: false });
}
