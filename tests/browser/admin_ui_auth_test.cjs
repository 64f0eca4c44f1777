// Browser test of the admin UI with logins (docs/DECISIONS.md §6, §7; docs/AUTH.md "Roles and
// letters"): Debian's chromium, driven by playwright-core, against the real server on SQLite
// with schemas/events-auth.yaml and the roles of tests/openapi/auth_server.sh. /admin/ opens
// on the login page (axe-core: no serious or critical violation); a wrong password shows
// the server's error; each role then sees on the account list and detail pages exactly the
// buttons its letters allow (ru: Edit only; cru: New and Edit; all: New, Edit and Delete),
// the ru role has no menu entry for the entities it has no letter on and is told
// "Unauthorized operation" when it opens one by its address; logging out returns to the
// login page and a reload stays there. Any request to another origin and any console error
// fails the test (only the 401/403 answers the test provokes on purpose are expected).
// Environment: EVENTS_URL, EVENTS_ADMIN_TOKEN, PLAYWRIGHT_CORE, CHROMIUM, USER_DATA_DIR,
// AXE_CORE (axe.min.js), SCREENSHOT_DIR.
'use strict';
const fs = require('fs');
const path = require('path');
const { launchSameOrigin, watchConsole } = require('./same_origin_browser.cjs');

const base = process.env.EVENTS_URL;

function check(cond, message) {
  if (!cond) throw new Error(message);
}

async function asAdmin(method, p, body) {   // seeding through the admin token, not the UI
  const res = await fetch(base + p, {
    method, body: body ? JSON.stringify(body) : undefined,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${process.env.EVENTS_ADMIN_TOKEN}` },
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

async function main() {
  const account = await asAdmin('POST', '/api/account', { name: 'Login Test Corp' });
  check(account.status === 201, `seed account: ${account.status} ${JSON.stringify(account.json)}`);
  const accountId = account.json.data.id;

  const axeSource = fs.readFileSync(process.env.AXE_CORE, 'utf8');
  const { context, outside } = await launchSameOrigin(base, { viewport: { width: 1400, height: 900 } });
  const consoleErrors = [];   // page errors, but for the HTTP statuses a step provokes on purpose
  const seen = [];     // what each role saw, for the log
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(15000);
    const consoleWatch = watchConsole(page, consoleErrors);
    const menu = page.getByRole('navigation', { name: 'Entities' });
    const signIn = page.getByRole('heading', { name: 'Sign in' });

    async function login(name, password) {
      await page.getByLabel('Login', { exact: true }).fill(name);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    async function logout() {
      await page.getByRole('button', { name: 'Log out' }).click();
      await signIn.waitFor();
      check(!(await menu.count()), 'the menu is still shown after logging out');
    }
    // The buttons of the account list and of the account's detail page, as a role sees them.
    async function accountButtons(role) {
      await page.goto(`${base}/admin/#/e/account`);
      await page.locator('table.list tbody tr').first().getByText('Login Test Corp').waitFor();
      const list = {
        new: await page.getByRole('link', { name: 'New Account' }).count(),
        edit: await page.getByRole('link', { name: `Edit Account ${accountId}` }).count(),
        delete: await page.getByRole('button', { name: `Delete Account ${accountId}` }).count(),
      };
      await page.goto(`${base}/admin/#/e/account/${accountId}`);
      await page.locator('dl.details').getByText('Login Test Corp').waitFor();
      const head = page.locator('.page-head');
      const detail = {
        edit: await head.getByRole('link', { name: 'Edit', exact: true }).count(),
        delete: await head.getByRole('button', { name: 'Delete', exact: true }).count(),
      };
      seen.push(`${role}: list New ${list.new} Edit ${list.edit} Delete ${list.delete}, detail Edit ${detail.edit} Delete ${detail.delete}`);
      return { list, detail };
    }
    async function menuTitles() {
      await menu.getByRole('link', { name: 'Accounts', exact: true }).waitFor();
      return (await menu.getByRole('link').allTextContents()).map((t) => t.trim());
    }

    // Not logged in: the login page, and no menu (GET /api/session answers 401 on purpose).
    consoleWatch.expect([401]);
    await page.goto(base + '/admin/');
    await signIn.waitFor();
    check(!(await menu.count()), 'the menu is shown before logging in');
    await page.evaluate(axeSource);
    const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    check(!bad.length, `axe on the login page: ${bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('; ')}`);
    await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'login.png') });

    // A wrong password: the server's message, still on the login page.
    await login('carol', 'not-her-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    check((await alert.textContent()).includes('Invalid credentials'), `wrong password shows: ${await alert.textContent()}`);
    check(await signIn.isVisible(), 'a wrong password left the login page');

    // carol, role ru {"*": "rus", "Auth": "", "Role": ""}: no New, no Delete; Edit.
    await login('carol', 'carol-secret');
    await page.getByText('Signed in as').getByText('carol').waitFor();
    consoleWatch.expect([]);
    const ruMenu = await menuTitles();
    check(!ruMenu.includes('Logins') && !ruMenu.includes('Roles'), `ru menu shows entities without letters: ${ruMenu.join(', ')}`);
    check(ruMenu.includes('Users') && ruMenu.includes('Events'), `ru menu lacks entities it may list: ${ruMenu.join(', ')}`);
    seen.push(`ru menu: ${ruMenu.join(', ')}`);
    const ru = await accountButtons('ru');
    check(ru.list.new === 0 && ru.list.delete === 0 && ru.list.edit === 1, `ru list buttons: ${JSON.stringify(ru.list)}`);
    check(ru.detail.delete === 0 && ru.detail.edit === 1, `ru detail buttons: ${JSON.stringify(ru.detail)}`);
    // An entity without letters, opened by its address: the server's 403, said on the page.
    consoleWatch.expect([403]);
    await page.goto(`${base}/admin/#/e/auth`);
    await page.getByRole('alert').getByText('Unauthorized operation').waitFor();
    check(!(await page.getByRole('link', { name: 'New Auth' }).count()), 'New Auth offered to the ru role');
    seen.push('ru at #/e/auth: "Unauthorized operation"');
    consoleWatch.expect([]);

    // Logging out returns to the login page, and a reload stays logged out.
    await logout();
    consoleWatch.expect([401]);
    await page.reload();
    await signIn.waitFor();
    check(!(await menu.count()), 'after a reload the logged-out page shows the menu');
    const session = await page.evaluate(async () => (await fetch('/api/session')).status);
    check(session === 401, `GET /api/session after logout answered ${session}`);

    // bob, role cru {"*": "crus"}: New and Edit, no Delete.
    await login('bob', 'bob-secret1');
    await page.getByText('Signed in as').getByText('bob').waitFor();
    consoleWatch.expect([]);
    const cru = await accountButtons('cru');
    check(cru.list.new === 1 && cru.list.delete === 0 && cru.list.edit === 1, `cru list buttons: ${JSON.stringify(cru.list)}`);
    check(cru.detail.delete === 0 && cru.detail.edit === 1, `cru detail buttons: ${JSON.stringify(cru.detail)}`);
    await logout();

    // alice, role all {"*": "cruds"}: every button, every entity; so the hiding above comes
    // from the permissions, not from the page.
    consoleWatch.expect([401]);
    await page.reload();
    await signIn.waitFor();
    await login('alice', 'alice-secret');
    await page.getByText('Signed in as').getByText('alice').waitFor();
    consoleWatch.expect([]);
    const allMenu = await menuTitles();
    check(allMenu.includes('Logins') && allMenu.includes('Roles'), `all menu: ${allMenu.join(', ')}`);
    seen.push(`all menu: ${allMenu.join(', ')}`);
    const all = await accountButtons('all');
    check(all.list.new === 1 && all.list.delete === 1 && all.list.edit === 1, `all list buttons: ${JSON.stringify(all.list)}`);
    check(all.detail.delete === 1 && all.detail.edit === 1, `all detail buttons: ${JSON.stringify(all.detail)}`);
    await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'detail-all.png') });
    await logout();
    consoleWatch.expect([401]);
    await page.reload();
    await signIn.waitFor();

    check(!outside.length, `requests outside the server: ${outside.join(', ')}`);
    check(!consoleErrors.length, `console errors: ${consoleErrors.join(' | ')}`);
    console.log(`admin_ui_auth_browser: login page axe: 0 serious/critical, ${axe.violations.length} minor`);
    for (const line of seen) console.log(`admin_ui_auth_browser: ${line}`);
    console.log('admin_ui_auth_browser: login page, wrong password, buttons per role, forbidden entity, logout and reload: passed');
  } catch (e) {
    const page = context.pages()[0];
    if (page) {
      await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'auth-failure.png') }).catch(() => {});
      console.error(`admin_ui_auth_browser: at ${page.url()}; seen: ${seen.join(' / ') || 'nothing'}; console errors so far: ${consoleErrors.join(' | ') || 'none'}`);
    }
    throw e;
  } finally {
    await context.close();
  }
}

main().then(() => process.exit(0)).catch((e) => {
  console.error(`admin_ui_auth_browser: FAILED: ${(e && e.stack) || e}`);
  process.exit(1);
});
