import type { Browser, BrowserContext } from 'playwright-core';

/**
 * Every Content-Security-Policy violation any page of any browser test reports. The setup file
 * (csp-guard.setup.ts) fails the test during which one happened: a policy that blocks part of
 * the UI must never pass unnoticed.
 */
const violations: string[] = [];

export function takeCspViolations(): string[] {
  return violations.splice(0);
}

/** Chromium reports each violation as a console error ("Refused to ... Content Security Policy"). */
export function guardCspContext(context: BrowserContext): BrowserContext {
  context.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      violations.push(`${message.page()?.url() ?? '(no page)'}: ${message.text()}`);
    }
  });
  return context;
}

/** Watches every context this browser makes. */
export function guardCsp(browser: Browser): Browser {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => guardCspContext(await newContext(...args));
  return browser;
}
