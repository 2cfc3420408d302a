// Types of scripts/build.mjs (plain JavaScript: it runs before anything is compiled).
export const ROOT: string;
export const DIST: string;
export function ensureBuilt(options?: { force?: boolean; log?: (message: string) => void; root?: string; dist?: string }): { compiled: number; ms: number };
