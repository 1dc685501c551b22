// Headless Chromium for the browser suites (browser.test.ts, vite.test.ts): where it is, what a
// missing one means, and the launch with the flags from WASM-NOTES ("A real browser on this
// machine kind"). SPARSE_WASM_CHROMIUM overrides the path; without Chromium a suite is skipped
// with a warning, unless SPARSE_WASM_REQUIRE_BROWSER=1 (CI), which turns that into a failure.
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.SPARSE_WASM_CHROMIUM || '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
const requireBrowser = process.env.SPARSE_WASM_REQUIRE_BROWSER === '1';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Call at the top of a suite's file: without Chromium, a failing test (CI) or a warning. */
export function reportMissingChromium(suite: string, warning: string): void {
  if (hasChromium) return;
  if (requireBrowser) {
    describe(suite, () => {
      it('has Chromium (SPARSE_WASM_REQUIRE_BROWSER=1)', () => {
        throw new Error(`${CHROMIUM} not found and SPARSE_WASM_REQUIRE_BROWSER=1: apt-get install -y chromium`);
      });
    });
  } else {
    console.warn(`${warning} skipped: ${CHROMIUM} not found; apt-get install chromium (or set SPARSE_WASM_CHROMIUM)`);
  }
}

/** A headless Chromium with its profile in `userDataDir` (the caller removes it afterwards). */
export async function launchChromium(userDataDir: string): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}
