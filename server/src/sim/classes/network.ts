/** The AMT network interfaces and user-initiated (CIRA) connection control. */
import { CIM_RETURN } from '../power-states';
import { amtService, PT_STATUS, SERVICE_PROPS } from './common';
import type { ClassDef } from './types';

const ETHERNET_PORT: ClassDef = {
  name: 'AMT_EthernetPortSettings',
  props: {
    ConsoleTcpMaxRetransmissions: 'uint32 w',
    DHCPEnabled: 'boolean w',
    DefaultGateway: 'string w',
    ElementName: 'string',
    IPAddress: 'string w',
    InstanceID: 'string key',
    IpSyncEnabled: 'boolean w',
    LinkControl: 'uint32',
    LinkIsUp: 'boolean',
    LinkPolicy: 'uint8[] w',
    LinkPreference: 'uint32',
    MACAddress: 'string',
    PhysicalConnectionType: 'uint32',
    PhysicalNicMedium: 'uint32',
    PrimaryDNS: 'string w',
    SecondaryDNS: 'string w',
    SharedDynamicIP: 'boolean w',
    SharedMAC: 'boolean',
    SharedStaticIp: 'boolean w',
    SubnetMask: 'string w',
    VLANTag: 'uint16',
    WLANLinkProtectionLevel: 'uint32 w',
  },
  initial: (d) => {
    const net = d.identity.ipAddress.split('.').slice(0, 3).join('.');
    return [
      {
        DHCPEnabled: true,
        DefaultGateway: `${net}.1`,
        ElementName: 'Intel(r) AMT Ethernet Port Settings',
        InstanceID: 'Intel(r) AMT Ethernet Port Settings 0',
        IpSyncEnabled: true,
        LinkIsUp: true,
        LinkPolicy: [1, 14],
        MACAddress: d.identity.wiredMac,
        PhysicalConnectionType: 0, // integrated LAN NIC
        PrimaryDNS: `${net}.1`,
        SecondaryDNS: '9.9.9.9',
        SharedDynamicIP: true,
        SharedMAC: true,
        SharedStaticIp: false,
        SubnetMask: '255.255.255.0',
      },
      {
        ConsoleTcpMaxRetransmissions: 5,
        DHCPEnabled: true,
        ElementName: 'Intel(r) AMT Ethernet Port Settings',
        InstanceID: 'Intel(r) AMT Ethernet Port Settings 1',
        LinkControl: 2,
        LinkIsUp: false,
        LinkPreference: 2, // HOST owns the wireless link
        MACAddress: d.identity.wirelessMac,
        PhysicalConnectionType: 3, // wireless LAN
        SharedMAC: true,
        WLANLinkProtectionLevel: 1,
      },
    ];
  },
  methods: {
    SetLinkPreference: {
      inputs: { LinkPreference: 'uint32 req', Timeout: 'uint32' },
      run: ({ instance }, input) => {
        const pref = Number(input.LinkPreference);
        if (!instance || (pref !== 1 && pref !== 2)) return { returnValue: PT_STATUS.InvalidParameter };
        instance.LinkPreference = pref;
        return { returnValue: PT_STATUS.Success };
      },
    },
  },
};

const USER_INITIATED: ClassDef = {
  name: 'AMT_UserInitiatedConnectionService',
  commonNs: true,
  props: { ...SERVICE_PROPS, LastConnectionReason: 'string' },
  initial: () => [
    amtService('AMT_UserInitiatedConnectionService', 'Intel(r) AMT User Initiated Connection Service', {
      EnabledState: 32771,
      LastConnectionReason: '',
    }),
  ],
  methods: {
    RequestStateChange: {
      inputs: { RequestedState: 'uint16 req', TimeoutPeriod: 'datetime' },
      // 32768 all interfaces disabled … 32771 BIOS and OS enabled (recorded in test/fixtures/real-amt).
      run: ({ instance }, input) => {
        const s = Number(input.RequestedState);
        if (s < 32768 || s > 32771 || !instance) return { returnValue: CIM_RETURN.InvalidParameter };
        instance.EnabledState = s;
        return { returnValue: CIM_RETURN.Completed };
      },
    },
  },
};

export const NETWORK_CLASSES: readonly ClassDef[] = [ETHERNET_PORT, USER_INITIATED];
