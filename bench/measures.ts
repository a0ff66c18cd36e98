/** The list of benchmark measures `npm run bench` runs; each issue adds its own. */
import { wsmanMeasures } from './wsman';
import { lspMeasures } from './lsp';
import { localMeasures } from './local';
import { fleetMeasures } from './fleet';
import { redirectionMeasures } from './redirection';
import { kvmMeasures } from './kvm';
import { fleetMpsMeasures } from './fleet-mps';

export interface Measure {
  name: string;
  run(): Promise<string[]>;
}

export const measures: Measure[] = [
  { name: 'WS-Man engine against the simulator', run: wsmanMeasures },
  { name: 'wsman language on 2,000- and 20,000-request files', run: lspMeasures },
  { name: 'local access: WS-Man over APF/MEI vs direct TCP', run: localMeasures },
  { name: '1,000 simulated devices through the target registry', run: fleetMeasures },
  { name: 'redirection: IDE-R MB/s vs disk, SOL echo vs bare TCP', run: redirectionMeasures },
  { name: 'KVM: full-screen updates per encoding, viewer decode per frame', run: kvmMeasures },
  { name: '100 CIRA devices through Intel\'s MPS vs directly', run: fleetMpsMeasures },
];
