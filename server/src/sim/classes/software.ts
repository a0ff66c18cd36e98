/**
 * Firmware component versions (CIM_SoftwareIdentity, recorded in test/fixtures/real-amt). More instances than recorded
 * AMT 12 had, so paging with a small MaxElements has something to page through; a device made
 * with `extraSoftwareIdentities` adds generated entries after them, for bulk-transfer tests.
 */
import type { PropMap } from '../values';
import type { ClassDef } from './types';

const SOFTWARE_IDENTITY: ClassDef = {
  name: 'CIM_SoftwareIdentity',
  commonNs: true,
  props: {
    InstanceID: 'string key',
    IsEntity: 'boolean',
    VersionString: 'string',
    ElementName: 'string',
    Manufacturer: 'string',
  },
  initial: (d) => {
    const v = d.identity.firmwareVersion;
    const build = d.identity.firmwareBuild;
    const rows: Array<[string, string]> = [
      ['Flash', v],
      ['Netstack', v],
      ['AMTApps', v],
      ['AMT', v],
      ['Sku', '16392'],
      ['VendorID', '8086'],
      ['Build Number', build],
      ['Recovery Version', v],
      ['Recovery Build Num', build],
      ['Legacy Mode', 'False'],
      ['AMT FW Core Version', v],
      ['ME Firmware Type', 'Corporate'],
      ['PMC Version', '160.1.0.1016'],
      ['TLS Version', '1.2'],
      ['Security Version Number', '4'],
      ['Platform Type', 'Desktop'],
    ];
    const real = rows.map(([id, version]): PropMap => ({ InstanceID: id, IsEntity: true, VersionString: version }));
    const extra = Array.from({ length: d.extraSoftwareIdentities }, (_, i): PropMap => {
      const n = String(i + 1).padStart(6, '0');
      return {
        InstanceID: `Simulated Component ${n}`,
        IsEntity: true,
        VersionString: `${v}.${i + 1}`,
        ElementName: `Simulated firmware component ${n} (generated for bulk enumeration)`,
        Manufacturer: 'Intel(R) Corporation',
      };
    });
    return [...real, ...extra];
  },
};

export const SOFTWARE_CLASSES: readonly ClassDef[] = [SOFTWARE_IDENTITY];
