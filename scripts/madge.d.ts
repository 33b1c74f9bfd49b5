// The slice of madge's API that lint-deps.ts uses (madge ships no types).
declare module 'madge' {
  interface MadgeResult {
    /** Each module (relative to the base dir) and the modules it imports. */
    obj(): Record<string, string[]>;
    /** Every import cycle, as the modules in it. */
    circular(): string[][];
  }
  interface MadgeConfig {
    fileExtensions?: string[];
    tsConfig?: string;
    includeNpm?: boolean;
    detectiveOptions?: Record<string, Record<string, unknown>>;
  }
  export default function madge(path: string, config?: MadgeConfig): Promise<MadgeResult>;
}
