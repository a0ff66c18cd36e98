/**
 * Write-only properties: AMT accepts them in a Put but never returns them — the KVM RFB password
 * reads back as an empty string (Intel AMT SDK IPS_KVMRedirectionSettingData: "a write-only field,
 * an empty string is returned when instance is read"), 802.1x passwords are not returned at all
 * (Intel AMT SDK AMT_8021XProfile / IPS_IEEE8021xSettings), nor is the MPS password
 * (AMT_MPSUsernamePassword). So no Get, Enumerate or trace shows a
 * secret. (AMT_BootSettingData.RSEPassword is kept for the next boot by host/host.ts.)
 */
import type { SimDevice } from './device';
import type { PropMap } from './values';

/** Class → property → what a read shows afterwards ('' or nothing). */
const WRITE_ONLY: Readonly<Record<string, Readonly<Record<string, '' | undefined>>>> = {
  IPS_KVMRedirectionSettingData: { RFBPassword: '' },
  AMT_8021XProfile: { Password: undefined, PACPassword: undefined },
  IPS_IEEE8021xSettings: { Password: undefined },
  AMT_MPSUsernamePassword: { Password: undefined, Secret: undefined },
};

/** What was last written to a write-only property, for the firmware's own use (the RFB password of port 5900). */
const written = new WeakMap<SimDevice, Map<string, string>>();

export function writtenValue(device: SimDevice, className: string, property: string): string | undefined {
  return written.get(device)?.get(`${className}.${property}`);
}

export function watchWriteOnly(device: SimDevice): void {
  device.on('put', ({ className, instance }: { className: string; instance: PropMap }) => {
    const rules = WRITE_ONLY[className];
    if (!rules) return;
    for (const [prop, shown] of Object.entries(rules)) {
      if (!(prop in instance)) continue;
      // A Put that sends the property empty (as read back) leaves the stored value as it was.
      const value = instance[prop];
      if (typeof value === 'string' && value !== '') {
        if (!written.has(device)) written.set(device, new Map());
        written.get(device)!.set(`${className}.${prop}`, value);
      }
      if (shown === undefined) delete instance[prop];
      else instance[prop] = shown;
    }
  });
}
