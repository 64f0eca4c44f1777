// Browser test of GET /docs (docs/API.md): Debian's chromium, driven by playwright-core,
// opens the Swagger UI, expands "List Account", presses "Try it out" and "Execute",
// and must see the live 200 answer with the account created beforehand. Any request
// the page makes to another origin fails the test (the docs work offline).
// Environment: EVENTS_URL, PLAYWRIGHT_CORE (the module's directory), CHROMIUM, USER_DATA_DIR.
'use strict';
const { launchSameOrigin } = require('./same_origin_browser.cjs');

async function main() {
  const base = process.env.EVENTS_URL;
  const { context, outside } = await launchSameOrigin(base);
  const pageErrors = [];
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.setDefaultTimeout(30000);

    const answer = await page.goto(base + '/docs');
    if (!answer || answer.status() !== 200) throw new Error(`GET /docs answered ${answer && answer.status()}`);
    const op = page.locator('#operations-records-listAccount');
    await op.waitFor();
    await op.locator('.opblock-summary').first().click();
    await op.locator('button.try-out__btn').click();
    await op.locator('button.execute').click();
    const status = op.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    const code = (await status.textContent()).trim();
    const body = await op.locator('.live-responses-table .response-col_description pre').first().textContent();
    if (code !== '200') throw new Error(`Try it out answered ${code}: ${body}`);
    if (!body.includes('Browser Test Corp') || !body.includes('"pagination"'))
      throw new Error(`unexpected body: ${body}`);
    if (outside.length) throw new Error(`requests outside the server: ${outside.join(', ')}`);
    if (pageErrors.length) throw new Error(`page errors: ${pageErrors.join('; ')}`);
    console.log(`docs_browser: /docs loaded, "List Account" executed through Try it out: ${code}`);
  } finally {
    await context.close();
  }
}

main().catch((e) => {
  console.error(`docs_browser: FAILED: ${e && e.stack || e}`);
  process.exit(1);
});
