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

module.exports = { launchSameOrigin };
