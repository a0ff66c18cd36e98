/** Provisioning state and the admin account (AMT_SetupAndConfigurationService, AMT_AuthorizationService). */
import { amtService, PT_STATUS, SERVICE_PROPS } from './common';
import type { ClassDef } from './types';

const SETUP: ClassDef = {
  name: 'AMT_SetupAndConfigurationService',
  commonNs: true,
  props: {
    ...SERVICE_PROPS,
    ConfigurationServerFQDN: 'string w',
    DhcpDNSSuffix: 'string',
    PasswordModel: 'uint8',
    ProvisioningMode: 'uint8',
    ProvisioningServerOTP: 'base64',
    ProvisioningState: 'uint8',
    TrustedDNSSuffix: 'string',
    ZeroTouchConfigurationEnabled: 'boolean w',
  },
  initial: () => [
    amtService('AMT_SetupAndConfigurationService', 'Intel(r) AMT Setup and Configuration Service', {
      EnabledState: 5,
      PasswordModel: 1,
      ProvisioningMode: 1, // Admin Control Mode
      ProvisioningServerOTP: Buffer.alloc(32).toString('base64'),
      ProvisioningState: 2, // Post-provisioning: a managed device
      RequestedState: 12,
      ZeroTouchConfigurationEnabled: true,
    }),
  ],
  methods: {
    GetUuid: {
      outputs: { UUID: 'base64' },
      run: ({ device }) => ({ returnValue: PT_STATUS.Success, outputs: [['UUID', device.identity.uuidBytes.toString('base64')]] }),
    },
    CommitChanges: { run: () => ({ returnValue: PT_STATUS.Success }) },
  },
};

const AUTHORIZATION: ClassDef = {
  name: 'AMT_AuthorizationService',
  commonNs: true,
  props: { ...SERVICE_PROPS, AllowHttpQopAuthOnly: 'uint32 w' },
  initial: () => [
    amtService('AMT_AuthorizationService', 'Intel(r) AMT Authorization Service', {
      AllowHttpQopAuthOnly: 1,
      EnabledState: 5,
      RequestedState: 12,
    }),
  ],
  methods: {
    GetAdminAclEntry: {
      run: ({ device }) => ({ returnValue: PT_STATUS.Success, outputs: [['Username', device.adminUser]] }),
    },
    GetAdminAclEntryStatus: { run: () => ({ returnValue: PT_STATUS.Success, outputs: [['IsDefault', false]] }) },
    GetAdminNetAclEntryStatus: { run: () => ({ returnValue: PT_STATUS.Success, outputs: [['IsDefault', false]] }) },
    EnumerateUserAclEntries: {
      inputs: { StartIndex: 'uint32 req' },
      // Every account besides the admin is a user ACL entry; handles count from 1 in creation order.
      run: ({ device }, input) => {
        const handles = [...device.accounts.keys()].filter((u) => u !== device.adminUser).map((_, i) => i + 1);
        const page = handles.filter((h) => h >= Math.max(1, Number(input.StartIndex)));
        return {
          returnValue: PT_STATUS.Success,
          outputs: [['TotalCount', handles.length], ['HandlesCount', page.length], ['Handles', page]],
        };
      },
    },
  },
};

export const SETUP_CLASSES: readonly ClassDef[] = [SETUP, AUTHORIZATION];
