/**
 * What the simulated AMTHI and MKHI clients report. The device model owns one of these and
 * passes it to the clients; they read it on every request, so changes show up immediately.
 */

export interface LanFacts {
  enabled: boolean;
  /** Dotted IPv4 address. */
  ipv4: string;
  dhcpEnabled: boolean;
  /** 1 active, 2 passive (AMTHI provisioning mode, Intel LMS sources). */
  dhcpIpMode: number;
  linkUp: boolean;
  /** `aa:bb:cc:dd:ee:ff`. */
  mac: string;
}

export interface CertHashFacts {
  name: string;
  /** 0 MD5, 1 SHA-1, 2 SHA-256, 3 SHA-512. */
  algorithm: number;
  /** Hex of the significant hash bytes. */
  hash: string;
  isDefault: boolean;
  isActive: boolean;
}

export interface DeviceFacts {
  biosVersion: string;
  /** AMTHI GetCodeVersions entries, e.g. { description: 'AMT', version: '16.1.25' }. */
  codeVersions: { description: string; version: string }[];
  /** 0 pre, 1 in, 2 post. */
  provisioningState: number;
  /** 0 none, 1 client control (CCM), 2 admin control (ACM). */
  controlMode: number;
  uuid: string;
  dnsSuffix: string;
  wired: LanFacts;
  /** Absent when the platform has no wireless AMT interface. */
  wireless?: LanFacts;
  /** The local system account the device's WS-Man service accepts from the host. */
  localSystemAccount: { username: string; password: string };
  certificateHashes: CertHashFacts[];
  /** MKHI feature bits (rule 0 / 32): AMT capable, AMT enabled. */
  amtCapable: boolean;
  amtEnabled: boolean;
  /** AMTHI Unprovision: returns the status (0 done); absent = the command is unknown. */
  unprovision?: () => number;
  /** Answer these AMTHI commands (request code) with this status instead of data — fault injection. */
  amthiFailures?: Record<number, number>;
}

export function sampleDeviceFacts(): DeviceFacts {
  return {
    biosVersion: 'SIMBIOS.0001.2024.0101',
    codeVersions: [
      { description: 'Flash', version: '16.1.25' },
      { description: 'Netstack', version: '16.1.25' },
      { description: 'AMTApps', version: '16.1.25' },
      { description: 'AMT', version: '16.1.25' },
      { description: 'Sku', version: '16392' },
      { description: 'VendorID', version: '8086' },
      { description: 'Build Number', version: '2052' },
    ],
    provisioningState: 2,
    controlMode: 2,
    uuid: '4c4c4544-0032-4a10-8053-b4c04f564433',
    dnsSuffix: 'sim.example',
    wired: { enabled: true, ipv4: '192.168.1.20', dhcpEnabled: true, dhcpIpMode: 2, linkUp: true, mac: '00:16:3e:5a:11:01' },
    localSystemAccount: { username: '$$OsAdmin', password: 'sim-local-8f2c1d' },
    certificateHashes: [
      { name: 'Simulated Root CA A', algorithm: 2, hash: 'a1'.repeat(32), isDefault: true, isActive: true },
      { name: 'Simulated Root CA B', algorithm: 3, hash: 'b2'.repeat(64), isDefault: true, isActive: false },
    ],
    amtCapable: true,
    amtEnabled: true,
  };
}
