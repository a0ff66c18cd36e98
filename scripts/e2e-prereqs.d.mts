// Types for scripts/e2e-prereqs.mjs, so the TypeScript tests can import it.
import type { CodeServerPaths, LogOption } from './code-server.mjs';

export declare const VSIX_PATH: string;
export declare const VSIX_REQUIRED_ENTRIES: string[];
export declare const VSCE_ARGS: string[];
export declare function ensureE2EPrerequisites(options?: LogOption): Promise<{ codeServer: CodeServerPaths; chromium: string; vsix: string }>;
export declare function packageExtension(): Promise<void>;
export declare function checkVsix(vsix: string): void;
export declare function zipEntryNames(zip: Buffer): string[];
