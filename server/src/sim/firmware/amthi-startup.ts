/**
 * AMTHI queries Intel LMS makes at start-up (Intel LMS sources, MEIClient/AMTHIClient:
 * Get{RedirectionSessions,SystemDefense,WebUI,EAC,KVMSession}StateCommand.h share command 0x04000049
 * with a u32 feature id; GetLastHostResetReasonCommand.h 0x0400004A; SetHostFQDNCommand.h 0x0400005B;
 * GetAMTStateCommand.h 0x01000001, which LMS uses as "GetMEState"). Answers describe an idle device:
 * no redirection or KVM session open, System Defense and EAC off, the web UI on.
 */
export const STARTUP_CMD = {
  GET_FEATURES_STATE: 0x04000049,
  GET_LAST_HOST_RESET_REASON: 0x0400004a,
  SET_HOST_FQDN: 0x0400005b,
  GET_AMT_STATE: 0x01000001,
} as const;

const FEATURE = { REDIRECTION_SESSIONS: 0, SYSTEM_DEFENSE: 1, WEB_UI: 2, EAC: 3, KVM_SESSION: 4 } as const;

/** State the start-up queries report; `hostFqdn` is what LMS last set. */
export interface StartupState {
  hostFqdn?: string;
  /** Last host reset reason (LMS: 0 remote control, 1 other) and the remote-control time stamp. */
  lastResetReason: number;
  remoteControlTimeStamp: number;
  webUiEnabled: boolean;
}

export function newStartupState(): StartupState {
  return { lastResetReason: 1, remoteControlTimeStamp: 0, webUiEnabled: true };
}

/**
 * The data of an answer, or a status number to answer with alone; undefined when the command is not
 * one of these.
 */
export function startupAnswer(command: number, body: Buffer, state: StartupState): Buffer | number | undefined {
  const INVALID_MESSAGE_LENGTH = 0x4;
  const INVALID_PARAMETER = 0x24;
  switch (command) {
    case STARTUP_CMD.GET_FEATURES_STATE: {
      if (body.length !== 4) return INVALID_MESSAGE_LENGTH;
      const id = body.readUInt32LE(0);
      const head = Buffer.alloc(4);
      head.writeUInt32LE(id);
      switch (id) {
        case FEATURE.REDIRECTION_SESSIONS:
          return Buffer.concat([head, Buffer.of(0, 0, 0)]); // IderOpen, SolOpen, reserved
        case FEATURE.SYSTEM_DEFENSE:
        case FEATURE.EAC:
        case FEATURE.KVM_SESSION:
          return Buffer.concat([head, Buffer.of(0)]);
        case FEATURE.WEB_UI:
          return Buffer.concat([head, Buffer.of(state.webUiEnabled ? 1 : 0)]);
        default:
          return INVALID_PARAMETER;
      }
    }
    case STARTUP_CMD.GET_LAST_HOST_RESET_REASON: {
      if (body.length !== 0) return INVALID_MESSAGE_LENGTH;
      const out = Buffer.alloc(8);
      out.writeUInt32LE(state.lastResetReason, 0);
      out.writeUInt32LE(state.remoteControlTimeStamp >>> 0, 4);
      return out;
    }
    case STARTUP_CMD.SET_HOST_FQDN: {
      // AMT_ANSI_STRING: u16 length + that many bytes.
      if (body.length < 2 || body.readUInt16LE(0) !== body.length - 2) return INVALID_MESSAGE_LENGTH;
      state.hostFqdn = body.subarray(2).toString('latin1');
      return Buffer.alloc(0);
    }
    case STARTUP_CMD.GET_AMT_STATE: {
      if (body.length !== 16) return INVALID_MESSAGE_LENGTH;
      // Echoed state-variable id, array size 5: link up, reserved, crypto fuse on, flash protected, last ME reset 0.
      const size = Buffer.alloc(4);
      size.writeUInt32LE(5);
      return Buffer.concat([Buffer.from(body), size, Buffer.of(1, 0, 1, 1, 0)]);
    }
    default:
      return undefined;
  }
}
