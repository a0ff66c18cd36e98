/**
 * TLS configuration (Intel AMT SDK: AMT_TLSSettingData, AMT_TLSCredentialContext,
 * AMT_TLSProtocolEndpointCollection). Put and Create only stage the settings; they take effect at
 * AMT_SetupAndConfigurationService.CommitChanges (security/commit.ts), as on AMT.
 */
import type { SimDevice } from '../device';
import { epr, type PropMap } from '../values';
import { WsmanFault } from '../wsman/faults';
import { CERT_CLASS, selectedId } from './certificates';
import { cimUri } from './common';
import type { ClassDef } from './types';

export const REMOTE_TLS = 'Intel(r) AMT 802.3 TLS Settings';
export const LOCAL_TLS = 'Intel(r) AMT LMS TLS Settings';
export const TLS_CONTEXT = 'AMT_TLSCredentialContext';
const COLLECTION = 'TLSProtocolEndpoint Instances Collection';

function contextFor(certId: string): PropMap {
  return {
    ElementInContext: epr(cimUri(CERT_CLASS), { InstanceID: certId }),
    ElementProvidingContext: epr(cimUri('AMT_TLSProtocolEndpointCollection'), { ElementName: COLLECTION }),
  };
}

const SETTING: ClassDef = {
  name: 'AMT_TLSSettingData',
  props: {
    AcceptNonSecureConnections: 'boolean w',
    ElementName: 'string',
    Enabled: 'boolean w',
    InstanceID: 'string key',
    MutualAuthentication: 'boolean w',
    NonSecureConnectionsSupported: 'boolean',
    TrustedCN: 'string[] w',
  },
  initial: () => [
    { AcceptNonSecureConnections: false, ElementName: REMOTE_TLS, Enabled: false, InstanceID: REMOTE_TLS, MutualAuthentication: false },
    { AcceptNonSecureConnections: true, ElementName: LOCAL_TLS, Enabled: false, InstanceID: LOCAL_TLS, MutualAuthentication: false },
  ],
};

const COLLECTION_CLASS: ClassDef = {
  name: 'AMT_TLSProtocolEndpointCollection',
  props: { ElementName: 'string key' },
  initial: () => [{ ElementName: COLLECTION }],
};

const CONTEXT: ClassDef = {
  name: TLS_CONTEXT,
  props: { ElementInContext: 'epr key w', ElementProvidingContext: 'epr key' },
  // The device's own certificate (handle 0) serves TLS until another is configured.
  initial: () => [contextFor('Intel(r) AMT Certificate: Handle: 0')],
  create: (device: SimDevice, props: PropMap) => {
    const certId = selectedId(props.ElementInContext);
    const cert = device.instances(CERT_CLASS).find((c) => c.InstanceID === certId);
    if (!cert) throw new WsmanFault('InvalidRepresentation', `ElementInContext names no stored ${CERT_CLASS}`, 'InvalidValues');
    const list = device.instances(TLS_CONTEXT);
    if (list.length > 0) throw new WsmanFault('AlreadyExists', 'a TLS credential context exists; delete it first');
    const inst = contextFor(String(certId));
    list.push(inst);
    return inst;
  },
  remove: (device, inst) => {
    const list = device.instances(TLS_CONTEXT);
    list.splice(list.indexOf(inst), 1);
  },
};

export const TLS_CLASSES: readonly ClassDef[] = [SETTING, COLLECTION_CLASS, CONTEXT];
