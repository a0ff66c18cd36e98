// Types for scripts/code-server.mjs, so the TypeScript tests (test/e2e/harness.ts) can import it.
export declare const CODE_SERVER_VERSION: string;
export declare const REPO_ROOT: string;
export declare const CHROMIUM_PATH: string;
export declare const WORKBENCH_SETTINGS: Readonly<Record<string, unknown>>;

export interface CodeServerPaths {
  dir: string;
  packageDir: string;
  /** `node <entry> ...` runs code-server. */
  entry: string;
  marker: string;
  log: string;
}

export interface LogOption {
  log?: (message: string) => void;
}

export declare function codeServerPaths(version?: string): CodeServerPaths;
export declare function ensureCodeServer(options?: LogOption): Promise<CodeServerPaths>;
export declare function ensureChromium(options?: LogOption): Promise<string>;
export declare function ensureDebianPackages(
  needs: { pkg: string; present: () => boolean; why: string }[],
  log?: (message: string) => void,
): Promise<void>;
