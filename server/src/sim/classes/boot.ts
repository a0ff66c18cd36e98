/** Boot options for the next boot and what the platform can do (AMT_BootSettingData, AMT_BootCapabilities). */
import { checkBootParametersPut } from './boot-parameters';
import type { ClassDef } from './types';

/**
 * `put`: required properties per the class metadata, so a Put must carry them (Intel LMS CIM framework class metadata).
 * Read-only (a Put that changes them is refused with InvalidRepresentation): BIOSLastStatus, BootguardStatus,
 * OptionsCleared and the BIOS-owned switches RPEEnabled, SecureBootControlEnabled, UEFIHTTPSBootEnabled,
 * UEFILocalPBABootEnabled, WinREBootEnabled (Intel AMT SDK AMT_BootSettingData; MeshCommander strips exactly these
 * before its Put; Open AMT's Remote Platform Erase notes: "RPEEnabled … read-only … only changed via the BIOS menu").
 * RSEPassword is write-only: it reads back empty (host/host.ts keeps the value for the next boot).
 * UefiBootParametersArray (One Click Recovery / Remote Platform Erase TLVs) is checked by the Put
 * and kept for the next boot by boot-parameters.ts, and reads back absent.
 * RPEEnabled is true as recorded (test/fixtures/real-amt/amt/boot/settingdata/get.xml): the BIOS allows erase.
 */
const BOOT_SETTING_DATA: ClassDef = {
  name: 'AMT_BootSettingData',
  props: {
    BIOSLastStatus: 'uint16[]',
    BIOSPause: 'boolean w put',
    BIOSSetup: 'boolean w put',
    BootMediaIndex: 'uint16 w put',
    BootguardStatus: 'uint32',
    ConfigurationDataReset: 'boolean w put',
    ElementName: 'string',
    EnforceSecureBoot: 'boolean w',
    FirmwareVerbosity: 'uint8 w put',
    ForcedProgressEvents: 'boolean w put',
    IDERBootDevice: 'uint8 w put',
    InstanceID: 'string key',
    LockKeyboard: 'boolean w put',
    LockPowerButton: 'boolean w put',
    LockResetButton: 'boolean w put',
    LockSleepButton: 'boolean w put',
    OptionsCleared: 'boolean',
    OwningEntity: 'string',
    PlatformErase: 'boolean w',
    RPEEnabled: 'boolean',
    RSEPassword: 'string w',
    ReflashBIOS: 'boolean w put',
    SecureBootControlEnabled: 'boolean',
    SecureErase: 'boolean w put',
    UEFIHTTPSBootEnabled: 'boolean',
    UEFILocalPBABootEnabled: 'boolean',
    UefiBootNumberOfParams: 'uint32 w',
    UefiBootParametersArray: 'base64 w',
    UseIDER: 'boolean w put',
    UseSOL: 'boolean w put',
    UseSafeMode: 'boolean w put',
    UserPasswordBypass: 'boolean w put',
    WinREBootEnabled: 'boolean',
  },
  initial: () => [
    {
      BIOSLastStatus: [2, 0],
      BIOSPause: false,
      BIOSSetup: false,
      BootMediaIndex: 0,
      BootguardStatus: 127,
      ConfigurationDataReset: false,
      ElementName: 'Intel(r) AMT Boot Configuration Settings',
      EnforceSecureBoot: false,
      FirmwareVerbosity: 0,
      ForcedProgressEvents: false,
      IDERBootDevice: 0,
      InstanceID: 'Intel(r) AMT:BootSettingData 0',
      LockKeyboard: false,
      LockPowerButton: false,
      LockResetButton: false,
      LockSleepButton: false,
      OptionsCleared: true,
      OwningEntity: 'Intel(r) AMT',
      PlatformErase: false,
      RPEEnabled: true,
      RSEPassword: '',
      ReflashBIOS: false,
      SecureBootControlEnabled: false,
      SecureErase: false,
      UEFIHTTPSBootEnabled: true,
      UEFILocalPBABootEnabled: true,
      UefiBootNumberOfParams: 0,
      UseIDER: false,
      UseSOL: false,
      UseSafeMode: false,
      UserPasswordBypass: false,
      WinREBootEnabled: true,
    },
  ],
  checkPut: checkBootParametersPut,
};

/**
 * PlatformErase bits offered on AMT 16+ (MeshCommander `powerActionDlgRPE`): 0 RPE itself, 2 SSD
 * secure erase, 6 TPM clear, 25 BIOS NVM clear, 26 BIOS golden configuration (a choice: a
 * platform with all of these). The OCR properties are the ones the Device Management Toolkit
 * console reads (ForceUEFIHTTPSBoot true; local PBA and WinRE not offered here). Firmware before
 * 16 has none of them (models.ts drops them).
 */
const PLATFORM_ERASE_BITS = (1 << 0) | (1 << 2) | (1 << 6) | (1 << 25) | (1 << 26);

const BOOT_CAPABILITIES: ClassDef = {
  name: 'AMT_BootCapabilities',
  props: {
    AMTSecureBootControl: 'boolean',
    BIOSPause: 'boolean',
    BIOSReflash: 'boolean',
    BIOSSecureBoot: 'boolean',
    BIOSSetup: 'boolean',
    ConfigurationDataReset: 'boolean',
    ElementName: 'string',
    ForceCDorDVDBoot: 'boolean',
    ForceDiagnosticBoot: 'boolean',
    ForceHardDriveBoot: 'boolean',
    ForceHardDriveSafeModeBoot: 'boolean',
    ForcePXEBoot: 'boolean',
    ForceUEFIHTTPSBoot: 'boolean',
    ForceUEFIPBABoot: 'boolean',
    ForceWinREBoot: 'boolean',
    ForcedProgressEvents: 'boolean',
    IDER: 'boolean',
    InstanceID: 'string key',
    KeyboardLock: 'boolean',
    PlatformErase: 'uint32',
    PowerButtonLock: 'boolean',
    ResetButtonLock: 'boolean',
    SOL: 'boolean',
    SecureErase: 'boolean',
    SleepButtonLock: 'boolean',
    UEFIWiFiCoExistenceAndProfileShare: 'boolean',
    UserPasswordBypass: 'boolean',
    VerbosityQuiet: 'boolean',
    VerbosityScreenBlank: 'boolean',
    VerbosityVerbose: 'boolean',
  },
  initial: () => [
    {
      AMTSecureBootControl: true,
      BIOSPause: false,
      BIOSReflash: true,
      BIOSSecureBoot: true,
      BIOSSetup: true,
      ConfigurationDataReset: false,
      ElementName: 'Intel(r) AMT: Boot Capabilities',
      ForceCDorDVDBoot: true,
      ForceDiagnosticBoot: false,
      ForceHardDriveBoot: true,
      ForceHardDriveSafeModeBoot: false,
      ForcePXEBoot: true,
      ForceUEFIHTTPSBoot: true,
      ForceUEFIPBABoot: false,
      ForceWinREBoot: false,
      ForcedProgressEvents: true,
      IDER: true,
      InstanceID: 'Intel(r) AMT:BootCapabilities 0',
      KeyboardLock: true,
      PlatformErase: PLATFORM_ERASE_BITS,
      PowerButtonLock: false,
      ResetButtonLock: false,
      SOL: true,
      SecureErase: false,
      SleepButtonLock: false,
      UserPasswordBypass: true,
      VerbosityQuiet: false,
      VerbosityScreenBlank: false,
      VerbosityVerbose: false,
    },
  ],
};

export const BOOT_CLASSES: readonly ClassDef[] = [BOOT_SETTING_DATA, BOOT_CAPABILITIES];
