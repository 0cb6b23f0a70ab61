// Swagger UI in a real browser (headless Chromium) against the running server.
//
// Run by scripts/browser.sh, which starts the server on a fresh database and sets:
//   SAMHANDLING_BASE_URL   the server, e.g. http://127.0.0.1:40123
//   SAMHANDLING_TOKEN      an admin token for the operator organisation
//   BROWSER_SCREENSHOT     where to save the full-page screenshot (default target/browser/swagger-ui.png)
//   CHROMIUM               the browser binary (default /usr/bin/chromium)
//
// The tests run in order on one page, as a person would: open the UI, see every tag, authorize,
// then "Try it out" → "Execute" on GET /api/v1/organisations.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BASE = (process.env.SAMHANDLING_BASE_URL ?? '').replace(/\/+$/, '');
const TOKEN = process.env.SAMHANDLING_TOKEN ?? '';
const SCREENSHOT = resolve(ROOT, process.env.BROWSER_SCREENSHOT ?? 'target/browser/swagger-ui.png');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const TIMEOUT = 15_000; // longest wait for any one element or navigation
const TEST_TIMEOUT = 60_000; // longest any one test (or the browser start) may take
const LIST_PATH = '/api/v1/organisations';
const DEMO_ORGANISATION = 'LINK Trondheim';

let browser;
let page;
let spec; // the served OpenAPI document
const pageErrors = []; // uncaught exceptions in the page
const foreignRequests = []; // requests to anything but the server (blocked)

before(async () => {
    assert.ok(BASE.startsWith('http://'), 'SAMHANDLING_BASE_URL must be set (run scripts/browser.sh)');
    assert.ok(TOKEN, 'SAMHANDLING_TOKEN must be set (run scripts/browser.sh)');

    const response = await fetch(`${BASE}/api-docs/openapi.json`);
    assert.equal(response.status, 200, 'GET /api-docs/openapi.json');
    spec = await response.json();

    browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
        ],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(TIMEOUT);
    context.setDefaultNavigationTimeout(TIMEOUT);
    // Everything stays on the server under test: a request elsewhere (a CDN, the online
    // validator) is blocked and reported by the last test.
    await context.route(
        (url) => url.origin !== new URL(BASE).origin,
        (route) => {
            foreignRequests.push(route.request().url());
            return route.abort('blockedbyclient');
        },
    );
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
}, { timeout: TEST_TIMEOUT });

after(async () => {
    await browser?.close();
});

describe('Swagger UI', { timeout: 2 * TEST_TIMEOUT }, () => {
    test('loads at /swagger-ui/, redirected from /', async () => {
        const response = await page.goto(`${BASE}/`);
        assert.equal(new URL(page.url()).pathname, '/swagger-ui/');
        assert.equal(response.status(), 200);
        const redirect = response.request().redirectedFrom();
        assert.ok(redirect, 'the server redirects / to /swagger-ui/');
        assert.equal(redirect.url(), `${BASE}/`);

        const title = page.locator('.information-container h2.title');
        await title.waitFor();
        assert.match(await title.innerText(), new RegExp(`^${escapeRegExp(spec.info.title)}\\b`));
    });

    test('shows every tag of the OpenAPI document', async () => {
        const expected = new Set((spec.tags ?? []).map((tag) => tag.name));
        for (const item of Object.values(spec.paths)) {
            for (const operation of Object.values(item)) {
                for (const tag of operation?.tags ?? []) expected.add(tag);
            }
        }
        assert.ok(expected.has('organisations'), 'the document tags the organisation operations');

        await page.locator('.opblock-tag-section').first().waitFor();
        for (const tag of expected) {
            const section = page.locator('.opblock-tag-section').filter({
                has: page.locator(`h3.opblock-tag[data-tag="${tag}"]`),
            });
            assert.equal(await section.count(), 1, `one tag section for "${tag}"`);
            assert.ok(await section.isVisible(), `the tag section for "${tag}" is visible`);
        }
        const shown = await page
            .locator('.opblock-tag-section h3.opblock-tag')
            .evaluateAll((headings) => headings.map((h) => h.getAttribute('data-tag')));
        assert.deepEqual([...shown].sort(), [...expected].sort(), 'the page shows exactly the document\'s tags');
    });

    test('accepts a pasted token through Authorize', async () => {
        const authorize = page.locator('.auth-wrapper .btn.authorize');
        assert.match(await authorize.getAttribute('class'), /\bunlocked\b/, 'not authorized before');
        await authorize.click();

        const dialog = page.locator('.dialog-ux .modal-ux');
        const scheme = dialog.locator('.auth-container').filter({ has: page.locator('h4 code', { hasText: /^bearer$/ }) });
        await scheme.locator('input#auth-bearer-value').fill(TOKEN);
        await scheme.getByRole('button', { name: 'Apply credentials' }).click();
        await scheme.locator('h6', { hasText: 'Authorized' }).waitFor();
        await scheme.getByRole('button', { name: 'Remove authorization' }).waitFor();
        await dialog.locator('.btn-done').click();
        await dialog.waitFor({ state: 'detached' });

        await page.locator('.auth-wrapper .btn.authorize.locked').waitFor();
        const lock = page
            .locator('#operations-organisations-list_organisations')
            .locator('.authorization__btn');
        assert.equal(await lock.getAttribute('aria-label'), 'authorization button locked');
    });

    test(`"Try it out" and "Execute" on GET ${LIST_PATH} show the live 200 response`, async () => {
        const operationId = spec.paths[LIST_PATH]?.get?.operationId;
        assert.equal(operationId, 'list_organisations');
        const tag = spec.paths[LIST_PATH].get.tags[0];
        const operation = page.locator(`#operations-${tag}-${operationId}`);

        await operation.locator('.opblock-summary-control').click();
        await operation.locator('.opblock-body').waitFor();
        // tryItOutEnabled starts operations in "Try it out" mode (the button then says "Cancel").
        const tryOut = operation.locator('.try-out__btn');
        if ((await tryOut.innerText()).trim() === 'Try it out') await tryOut.click();
        await operation.locator('.try-out__btn.cancel').waitFor();

        await operation.locator('.btn.execute').click();
        const live = operation.locator('.live-responses-table tbody tr.response');
        await live.waitFor();
        // Taken before the assertions, so that a failure leaves a picture of what was shown.
        await live.locator('.response-col_description .highlight-code').waitFor();
        mkdirSync(dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });

        assert.equal((await live.locator('td.response-col_status').innerText()).trim(), '200');
        const body = await live.locator('.response-col_description .highlight-code pre').innerText();
        const parsed = JSON.parse(body);
        assert.ok(Array.isArray(parsed.items), 'the body is a page of organisations');
        assert.ok(
            parsed.items.some((organisation) => organisation.name === DEMO_ORGANISATION),
            `the body lists "${DEMO_ORGANISATION}"`,
        );
        const curl = await operation.locator('.curl-command').innerText();
        assert.ok(curl.includes(`Authorization: Bearer ${TOKEN}`), 'the request carried the pasted token');
    });

    test('the page raised no errors and fetched nothing from elsewhere', () => {
        assert.deepEqual(pageErrors, []);
        assert.deepEqual(foreignRequests, []);
    });
});

function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
