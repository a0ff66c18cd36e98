/**
 * amt/network/* and amt/certs/*: AMT's network interfaces, 802.1x, TLS, and its certificate store
 * (features/network/). Changes to TLS are staged until `commit` (AMT_SetupAndConfigurationService.
 * CommitChanges), as on AMT.
 *
 * A TLS change that would refuse the connection the client uses now (TLS-only on the interface it
 * speaks plain HTTP over) is refused with code `network.lockout` and a sentence unless `confirmed`.
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { TargetParams } from './shared';

export interface WiredInfo {
  mac?: string;
  linkUp?: boolean;
  dhcp?: boolean;
  ipAddress?: string;
  subnetMask?: string;
  gateway?: string;
  primaryDns?: string;
  secondaryDns?: string;
  /** AMT shares the host's IP address (SharedStaticIp / SharedDynamicIP). */ sharedIp?: boolean;
  /** LinkPolicy decoded: "S0 AC", "Sx AC", … */ linkPolicy: string[];
}

export interface WifiProfileInfo {
  name: string;
  ssid?: string;
  priority?: number;
  authentication: string;
  encryption: string;
}

export interface WirelessInfo {
  /** False when the model has no Wi-Fi (the classes are not served). */ present: boolean;
  mac?: string;
  linkUp?: boolean;
  /** CIM_WiFiPort.EnabledState decoded. */ state?: string;
  /** LinkPreference: ME or host. */ linkPreference?: string;
  profiles: WifiProfileInfo[];
}

export interface Ieee8021xInfo {
  /** IPS_IEEE8021xSettings on the wired port. */ wired?: { enabled: string; protocol?: string; username?: string; domain?: string; availableInS0?: boolean };
  /** Wi-Fi profiles with 802.1x settings (CIM_IEEE8021xSettings). */ wireless: { name: string; protocol?: string; username?: string }[];
}

export interface TlsInterfaceInfo {
  instanceId: string;
  enabled: boolean;
  /** Plain HTTP still accepted next to TLS. */ acceptNonSecure: boolean;
  mutualAuthentication: boolean;
  trustedCn: string[];
}

export interface TlsInfo {
  remote?: TlsInterfaceInfo;
  local?: TlsInterfaceInfo;
  /** InstanceID of the certificate AMT_TLSCredentialContext names (the one TLS presents). */ certificate?: string;
}

export interface NetworkInfo {
  wired?: WiredInfo;
  wireless: WirelessInfo;
  ieee8021x: Ieee8021xInfo;
  tls: TlsInfo;
}

export interface CertificateInfo {
  instanceId: string;
  handle?: number;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** Whether it is valid now (by the local clock). */ current: boolean;
  /** SHA-256 fingerprint, colon-separated hex. */ fingerprint: string;
  serialNumber: string;
  trustedRoot: boolean;
  /** The device holds this certificate's private key. */ hasKey: boolean;
  /** TLS presents this certificate. */ usedForTls: boolean;
  /** PEM, for saving. */ pem: string;
}

export interface KeyPairInfo {
  instanceId: string;
  handle?: number;
  bits?: number;
  /** SHA-256 of the public key (DER SubjectPublicKeyInfo), colon-separated hex. */ fingerprint: string;
  /** InstanceIDs of certificates for this key. */ certificates: string[];
}

export interface CertificatesInfo { certificates: CertificateInfo[]; keyPairs: KeyPairInfo[] }

export interface AddCertificateParams extends TargetParams {
  /** One PEM certificate (or base64 DER). */ pem: string;
}
export interface AddedCertificate { message: string; instanceId: string; certificate: CertificateInfo }

export interface KeyPairResult { message: string; instanceId: string }

export interface CsrParams extends TargetParams {
  /** InstanceID of the key pair that signs (AMT_PublicPrivateKeyPair). */ keyPair: string;
  /** Subject: CN and optionally O, OU, C. */ commonName: string;
  organization?: string;
  organizationalUnit?: string;
  country?: string;
  /** 0 SHA1, 1 SHA256 (default), 2 SHA384. */ signingAlgorithm?: number;
}
export interface CsrResult { message: string; pem: string }

export interface SetTlsParams extends TargetParams {
  /** Which interface: the network (802.3, `remote`) or the host side through LMS (`local`). */ interface: 'remote' | 'local';
  enabled?: boolean;
  /** TLS only: plain HTTP refused once committed. */ tlsOnly?: boolean;
  mutualAuthentication?: boolean;
  /** InstanceID of a stored certificate whose key the device holds, for TLS to present. */ certificate?: string;
  confirmed?: boolean;
}

export interface NetworkChange { message: string }

export const NetworkRequests = {
  /** Wired and wireless settings, 802.1x and TLS settings. */ info: new RequestType<TargetParams, NetworkInfo, void>('amt/network/info'),
  /** Stages TLS settings (Put AMT_TLSSettingData, AMT_TLSCredentialContext); `commit` applies them. */ setTls: new RequestType<SetTlsParams, NetworkChange, void>('amt/network/setTls'),
  /** AMT_SetupAndConfigurationService.CommitChanges. */ commit: new RequestType<TargetParams, NetworkChange, void>('amt/network/commit'),
} as const;

export const CertificateRequests = {
  /** Certificates decoded from DER, and key pairs. */ list: new RequestType<TargetParams, CertificatesInfo, void>('amt/certs/list'),
  /** AddTrustedRootCertificate. */ addRoot: new RequestType<AddCertificateParams, AddedCertificate, void>('amt/certs/addRoot'),
  /** AddCertificate (a certificate for a key pair the device holds, e.g. signed from its CSR). */ add: new RequestType<AddCertificateParams, AddedCertificate, void>('amt/certs/add'),
  /** GenerateKeyPair (RSA 2048). */ generateKey: new RequestType<TargetParams, KeyPairResult, void>('amt/certs/generateKey'),
  /** GeneratePKCS10RequestEx: a CSR signed by the device's key pair. */ csr: new RequestType<CsrParams, CsrResult, void>('amt/certs/csr'),
} as const;
