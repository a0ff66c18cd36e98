/**
 * Devices older than AMT 6.0 (legacy SOAP interface, no WS-Management): what amt/targets/identify
 * adds to its answer for such a device, so the Devices view can say what it is.
 */

/** A pre-6.0 device's own information, read over the legacy SOAP services. */
export interface LegacyInfo {
  /** e.g. `5.0.1`. */ coreVersion: string;
  /** One sentence saying what the device is and what AMT Workbench offers on it. */ summary: string;
  /** 1 enterprise, 2 small business. */ provisioningMode?: number;
  /** 0 pre-, 1 in-, 2 post-provisioning. */ provisioningState?: number;
  hostName?: string;
  domainName?: string;
  biosVersion?: string;
  codeVersions: { description: string; version: string }[];
}

/** Present in an identify answer only when the device predates WS-Management. */
export interface LegacyIdentityFields {
  legacy?: LegacyInfo;
}
