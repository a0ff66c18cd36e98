/** The list of benchmark measures `npm run bench` runs; each issue adds its own. */
import { wsmanMeasures } from './wsman';
import { lspMeasures } from './lsp';

export interface Measure {
  name: string;
  run(): Promise<string[]>;
}

export const measures: Measure[] = [
  { name: 'WS-Man engine against the simulator', run: wsmanMeasures },
  { name: 'wsman language on a 2,000-request file', run: lspMeasures },
];
