// Browser test of Swagger UI's "Authorize" with a session (docs/AUTH.md "Routes": the session
// id works as `Authorization: Bearer`): the OpenAPI document declares the bearer scheme on
// the gated operations; in Debian's headless chromium, driven by playwright-core, "List
// Account" executed through Try it out answers 401 before authorizing, and 200 with the
// account after the session id (of a login through POST /api/login) is entered into the
// Authorize dialog's `sessionBearer` scheme; the request carried it as a Bearer header and
// the browser holds no session cookie, so the header alone opened the route. Then the login
// operation itself, through Try it out, answers 200 with a new session id. Any request to
// another origin and any page error fails the test.
// Environment: EVENTS_URL, EVENTS_SESSION, PLAYWRIGHT_CORE, CHROMIUM, USER_DATA_DIR.
'use strict';
const { launchSameOrigin } = require('./same_origin_browser.cjs');

function check(cond, message) {
  if (!cond) throw new Error(message);
}

async function main() {
  const base = process.env.EVENTS_URL;
  const session = process.env.EVENTS_SESSION;
  check(/^\S{20,}$/.test(session || ''), 'no session id from the login route');

  // The document makes it possible: a bearer scheme, required (as one choice) by the list.
  const spec = await (await fetch(base + '/openapi.json')).json();
  const bearer = spec.components.securitySchemes.sessionBearer;
  check(bearer && bearer.type === 'http' && bearer.scheme === 'bearer', `sessionBearer: ${JSON.stringify(bearer)}`);
  const security = spec.paths['/api/account'].get.security;
  check(security.some((s) => 'sessionBearer' in s), `GET /api/account security: ${JSON.stringify(security)}`);

  const { context, outside } = await launchSameOrigin(base);
  const pageErrors = [];
  const authorizations = [];   // the Authorization header of each GET /api/account the page sent
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/account') authorizations.push(r.headers().authorization || '');
    });
    page.setDefaultTimeout(30000);

    const answer = await page.goto(base + '/docs');
    check(answer && answer.status() === 200, `GET /docs answered ${answer && answer.status()}`);
    const op = page.locator('#operations-records-listAccount');
    await op.waitFor();
    await op.locator('.opblock-summary').first().click();
    await op.locator('button.try-out__btn').click();
    const status = op.locator('.live-responses-table .response .response-col_status').first();
    const body = op.locator('.live-responses-table .response-col_description pre').first();
    async function execute() {
      await op.locator('button.execute').click();
      await status.waitFor();
      return { code: (await status.textContent()).trim(), text: await body.textContent() };
    }

    const before = await execute();
    check(before.code === '401' && before.text.includes('Authentication required'), `before Authorize: ${before.code} ${before.text}`);

    await page.locator('.auth-wrapper button.authorize').click();
    const scheme = page.locator('.dialog-ux .auth-container').filter({ hasText: 'sessionBearer' });
    await scheme.locator('input').fill(session);
    await scheme.locator('button.authorize').click();
    await scheme.getByText('Authorized').waitFor();
    await scheme.locator('button.btn-done').click();

    await op.locator('button.btn-clear').click();   // the 401 answer goes, so the next one read is the new one
    await status.waitFor({ state: 'detached' });
    const after = await execute();
    check(after.code === '200' && after.text.includes('Authorized Corp'), `after Authorize: ${after.code} ${after.text}`);
    check(authorizations.length === 2 && authorizations[0] === '' && authorizations[1] === `Bearer ${session}`,
          `Authorization headers sent: ${JSON.stringify(authorizations.map((a) => a.replace(session, '<session>')))}`);
    const cookies = await context.cookies(base);
    check(!cookies.some((c) => c.name === 'sessionId'), 'the browser holds a session cookie: the Bearer header proves nothing');
    // The login operation works from Swagger UI too (no security of its own): its answer
    // holds a fresh session id, the one a user would paste into Authorize.
    const login = page.locator('#operations-auth-loginAuth');
    await login.locator('.opblock-summary').first().click();
    await login.locator('button.try-out__btn').click();
    await login.locator('textarea.body-param__text').fill(JSON.stringify({ login: 'bob', password: 'bob-secret1' }));
    await login.locator('button.execute').click();
    const loginStatus = login.locator('.live-responses-table .response .response-col_status').first();
    await loginStatus.waitFor();
    const loginBody = await login.locator('.live-responses-table .response-col_description pre').first().textContent();
    const fresh = JSON.parse(loginBody).data.sessionId;
    check((await loginStatus.textContent()).trim() === '200' && fresh && fresh !== session,
          `login through Try it out: ${await loginStatus.textContent()}`);
    check(!outside.length, `requests outside the server: ${outside.join(', ')}`);
    check(!pageErrors.length, `page errors: ${pageErrors.join('; ')}`);
    console.log(`docs_auth_browser: "List Account" through Try it out: ${before.code} before Authorize, ${after.code} after (sessionBearer); "Log in" through Try it out: 200 with a new session id`);
  } finally {
    await context.close();
  }
}

main().catch((e) => {
  console.error(`docs_auth_browser: FAILED: ${(e && e.stack) || e}`);
  process.exit(1);
});
