/**
 * Faults real AMT gives for requests of Intel's Open AMT message library, with the reason, by
 * `Class.method`. Entries in NOT_SERVED_YET are classes or methods this simulator does not serve yet
 * (the answer real AMT gives is a reply, not this fault): the compat tier reports each one that
 * answers, so they can be pruned.
 */
export interface ExpectedFault {
  /** Local name of the WS-Man fault subcode. */
  readonly subcode: string;
  readonly reason: string;
  /** The class or method is not served by this simulator yet; real AMT answers. */
  readonly notServedYet?: boolean;
}

export const EXPECTED_FAULTS: Record<string, ExpectedFault> = {
  // Faults AMT gives for these inputs.
  'AMT_EthernetPortSettings.Get': { subcode: 'InvalidSelectors', reason: "the library's Get/Put name no instance and the class has several; DSP0226 (7.1) answers wsman:InvalidSelectors, which no recording of AMT confirms or contradicts yet (revisit when a Get without selectors on a multi-instance class is modelled from real AMT)" },
  'AMT_EthernetPortSettings.Put': { subcode: 'InvalidSelectors', reason: "the library's Get/Put name no instance and the class has several; DSP0226 (7.1) answers wsman:InvalidSelectors, which no recording of AMT confirms or contradicts yet (revisit when a Get without selectors on a multi-instance class is modelled from real AMT)" },
  'CIM_MediaAccessDevice.Get': { subcode: 'InvalidSelectors', reason: "the library's Get/Put name no instance and the class has several; DSP0226 (7.1) answers wsman:InvalidSelectors, which no recording of AMT confirms or contradicts yet (revisit when a Get without selectors on a multi-instance class is modelled from real AMT)" },
  'CIM_PhysicalMemory.Get': { subcode: 'InvalidSelectors', reason: "the library's Get/Put name no instance and the class has several; DSP0226 (7.1) answers wsman:InvalidSelectors, which no recording of AMT confirms or contradicts yet (revisit when a Get without selectors on a multi-instance class is modelled from real AMT)" },
  'CIM_SoftwareIdentity.Get': { subcode: 'InvalidSelectors', reason: "the library's Get/Put name no instance and the class has several; DSP0226 (7.1) answers wsman:InvalidSelectors, which no recording of AMT confirms or contradicts yet (revisit when a Get without selectors on a multi-instance class is modelled from real AMT)" },
  'AMT_PublicPrivateKeyPair.Get': { subcode: 'InvalidSelectors', reason: "the library's Get/Put name no instance and the class has several; DSP0226 (7.1) answers wsman:InvalidSelectors, which no recording of AMT confirms or contradicts yet (revisit when a Get without selectors on a multi-instance class is modelled from real AMT)" },
  'AMT_TLSSettingData.Get': { subcode: 'InvalidSelectors', reason: "the library's Get/Put name no instance and the class has several; DSP0226 (7.1) answers wsman:InvalidSelectors, which no recording of AMT confirms or contradicts yet (revisit when a Get without selectors on a multi-instance class is modelled from real AMT)" },
  'CIM_BootSourceSetting.Get': { subcode: 'InvalidSelectors', reason: "the library's Get/Put name no instance and the class has several; DSP0226 (7.1) answers wsman:InvalidSelectors, which no recording of AMT confirms or contradicts yet (revisit when a Get without selectors on a multi-instance class is modelled from real AMT)" },
  'AMT_PublicPrivateKeyPair.Delete': { subcode: 'InvalidSelectors', reason: "called here without its selector (the builder takes the key pair to delete), so the Delete names no instance of a class with several: wsman:InvalidSelectors (DSP0226 7.1)" },
  'AMT_KerberosSettingData.SetCredentialCacheState': { subcode: 'InvalidParameter', reason: "the library (5.14.1) writes SetCredentialCacheState_INPUT without its Enable parameter whatever it is given; a method call missing a required input is wsman:InvalidParameter" },
  'AMT_TLSCredentialContext.Create': { subcode: 'InvalidRepresentation', reason: "AMT_PublicKeyCertificate.Delete earlier in this run removed the device's only certificate, so ElementInContext names no stored certificate; the simulator answers wsman:InvalidRepresentation (not confirmed by a recording of AMT)" },
  // Not served yet: prune as the classes and methods are served (the tier lists which now answer).
  'AMT_8021xCredentialContext.Get': { subcode: 'DestinationUnreachable', reason: 'class not served yet (real AMT serves it)', notServedYet: true },
  'AMT_ManagementPresenceRemoteSAP.Get': { subcode: 'DestinationUnreachable', reason: 'class not served yet (real AMT serves it)', notServedYet: true },
  'AMT_ManagementPresenceRemoteSAP.Delete': { subcode: 'DestinationUnreachable', reason: 'class not served yet (real AMT serves it)', notServedYet: true },
  'AMT_PublicKeyCertificate.Put': { subcode: 'DestinationUnreachable', reason: 'class not served yet (real AMT serves it)', notServedYet: true },
  'AMT_RemoteAccessPolicyAppliesToMPS.Get': { subcode: 'DestinationUnreachable', reason: 'class not served yet (real AMT serves it)', notServedYet: true },
  'AMT_RemoteAccessPolicyAppliesToMPS.Delete': { subcode: 'DestinationUnreachable', reason: 'class not served yet (real AMT serves it)', notServedYet: true },
  'AMT_RemoteAccessPolicyAppliesToMPS.Put': { subcode: 'DestinationUnreachable', reason: 'class not served yet (real AMT serves it)', notServedYet: true },
  'AMT_RemoteAccessPolicyRule.Get': { subcode: 'DestinationUnreachable', reason: 'class not served yet (real AMT serves it)', notServedYet: true },
  'AMT_RemoteAccessPolicyRule.Delete': { subcode: 'DestinationUnreachable', reason: 'class not served yet (real AMT serves it)', notServedYet: true },
  'AMT_RemoteAccessPolicyRule.Put': { subcode: 'DestinationUnreachable', reason: 'class not served yet (real AMT serves it)', notServedYet: true },
  'CIM_IEEE8021xSettings.Get': { subcode: 'DestinationUnreachable', reason: 'class not served yet (real AMT serves it)', notServedYet: true },
  'CIM_CredentialContext.Get': { subcode: 'DestinationUnreachable', reason: 'class not served yet (real AMT serves it)', notServedYet: true },
  'IPS_8021xCredentialContext.Get': { subcode: 'DestinationUnreachable', reason: 'class not served yet (real AMT serves it)', notServedYet: true },
  'AMT_RemoteAccessPolicyAppliesToMPS.Create': { subcode: 'ActionNotSupported', reason: 'method not served yet (real AMT implements it)', notServedYet: true },
  'IPS_HTTPProxyAccessPoint.UpdatePriority': { subcode: 'ActionNotSupported', reason: 'method not served yet (real AMT implements it)', notServedYet: true },
};

export const NOT_SERVED_YET = new Set(Object.keys(EXPECTED_FAULTS).filter((id) => EXPECTED_FAULTS[id].notServedYet));
