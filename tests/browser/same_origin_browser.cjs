// What the browser tests share: Debian's chromium launched headless through playwright-core
// with a fresh profile and without background networking (this machine's network is
// closed), and every request to another origin than the server under test aborted and
// recorded, so a test can fail on it (the pages must work offline).
// Environment: PLAYWRIGHT_CORE (the module's directory), CHROMIUM, USER_DATA_DIR.
'use strict';
const { chromium } = require(process.env.PLAYWRIGHT_CORE);

// Launches the browser for the server at `base` (e.g. http://127.0.0.1:5500). `options`
// are extra playwright launch options (viewport, ...). Returns {context, outside}: the
// browser context and the array that collects the URLs of aborted outside requests.
async function launchSameOrigin(base, options = {}) {
  const context = await chromium.launchPersistentContext(process.env.USER_DATA_DIR, {
    executablePath: process.env.CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
    ...options,
  });
  const outside = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base + '/') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  return { context, outside };
}

// Records the page's errors into the array `errors`: uncaught exceptions and console
// errors, except the console lines of HTTP answers a step provokes on purpose. Returns
// {expect}: expect(statuses) sets the statuses (e.g. [401]) whose lines are expected from
// now on ([] again when the step is over).
function watchConsole(page, errors) {
  let expected = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (expected.some((s) => text.includes(`status of ${s}`))) return;
    errors.push(text);
  });
  return { expect: (statuses) => { expected = statuses; } };
}

module.exports = { launchSameOrigin, watchConsole };
