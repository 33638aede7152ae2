// Types of serve.mjs (imported by test/browser/demo.e2e.test.ts).
export interface Demo {
  /** http://host:port/ */
  url: string;
  close(): Promise<void>;
}
export function startDemo(options?: { port?: number; host?: string }): Promise<Demo>;
