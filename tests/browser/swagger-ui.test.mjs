// Swagger UI in a real browser (headless Chromium) against the running server.
//
// Run by scripts/browser.sh, which starts the server on a fresh database and sets:
//   SAMHANDLING_BASE_URL   the server, e.g. http://127.0.0.1:40123
//   SAMHANDLING_TOKEN      an admin token for the operator organisation
//   SAMHANDLING_REFERRER_TOKEN  a referrer token for a demo municipality (Stjørdal kommune)
//   SAMHANDLING_CENTRE_TOKEN    a centre coordinator token for the demo centre (LINK Trondheim)
//   SAMHANDLING_GOVERNOR_TOKEN  a governor adviser token for Statsforvalteren i Trøndelag
//   SAMHANDLING_CONTACT_TOKEN   a municipal contact token for Verdal kommune
//   SAMHANDLING_ADVISER_TOKEN   a competence adviser token for KoRus Midt
//   SAMHANDLING_FACILITATOR_TOKEN  a facilitator token for Trondheim kommune, subject
//                               SAMHANDLING_FACILITATOR_SUBJECT
//   BROWSER_SCREENSHOT     where to save the full-page screenshot (default target/browser/swagger-ui.png)
//   CHROMIUM               the browser binary (default /usr/bin/chromium)
//
// The tests run in order on one page, as a person would: open the UI, see every tag, authorize,
// then "Try it out" → "Execute" on GET /api/v1/organisations. Then the self-help groups, as an
// API tester clicks through them: as the municipality, refer a person (POST /api/v1/referrals);
// as the centre's coordinator, create a group (and create it again with the same Idempotency-Key),
// open it for recruiting and see it refuse to start without members, book an intake for the
// referral, see the group suggested for the person, record the intake's outcome and place the
// person in the group. Every step fills in the form, presses "Execute" and reads the status and
// the body that Swagger UI shows.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BASE = (process.env.SAMHANDLING_BASE_URL ?? '').replace(/\/+$/, '');
const TOKEN = process.env.SAMHANDLING_TOKEN ?? '';
const REFERRER_TOKEN = process.env.SAMHANDLING_REFERRER_TOKEN ?? '';
const CENTRE_TOKEN = process.env.SAMHANDLING_CENTRE_TOKEN ?? '';
const GOVERNOR_TOKEN = process.env.SAMHANDLING_GOVERNOR_TOKEN ?? '';
const GOVERNOR_ID = process.env.SAMHANDLING_GOVERNOR_ID ?? '';
const CONTACT_TOKEN = process.env.SAMHANDLING_CONTACT_TOKEN ?? '';
const ADVISER_TOKEN = process.env.SAMHANDLING_ADVISER_TOKEN ?? '';
const FACILITATOR_TOKEN = process.env.SAMHANDLING_FACILITATOR_TOKEN ?? '';
const CLIENT_ID = process.env.SAMHANDLING_CLIENT_ID ?? '';
const CLIENT_SECRET = process.env.SAMHANDLING_CLIENT_SECRET ?? '';
const FACILITATOR_SUBJECT = process.env.SAMHANDLING_FACILITATOR_SUBJECT ?? '';
const TRONDHEIM = process.env.SAMHANDLING_TRONDHEIM_ID ?? '';
const SCREENSHOT = resolve(ROOT, process.env.BROWSER_SCREENSHOT ?? 'target/browser/swagger-ui.png');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const TIMEOUT = 15_000; // longest wait for any one element or navigation
const TEST_TIMEOUT = 60_000; // longest any one test (or the browser start) may take; the suite 5 times that
const LIST_PATH = '/api/v1/organisations';
const DEMO_ORGANISATION = 'LINK Trondheim';

let browser;
let page;
let spec; // the served OpenAPI document
const flow = {}; // what one step hands on to the next: the centre's, referral's, group's, intake's ids
const pageErrors = []; // uncaught exceptions in the page
const foreignRequests = []; // requests to anything but the server (blocked)

before(async () => {
    assert.ok(BASE.startsWith('http://'), 'SAMHANDLING_BASE_URL must be set (run scripts/browser.sh)');
    assert.ok(TOKEN, 'SAMHANDLING_TOKEN must be set (run scripts/browser.sh)');
    assert.ok(REFERRER_TOKEN && CENTRE_TOKEN, 'SAMHANDLING_REFERRER_TOKEN and SAMHANDLING_CENTRE_TOKEN must be set (run scripts/browser.sh)');

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

describe('Swagger UI', { timeout: 5 * TEST_TIMEOUT }, () => {
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
        await dialog.locator('.btn-done').first().click();
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
        const centre = parsed.items.find((organisation) => organisation.name === DEMO_ORGANISATION);
        assert.ok(centre, `the body lists "${DEMO_ORGANISATION}"`);
        flow.centre = centre.id;
        const curl = await operation.locator('.curl-command').innerText();
        assert.ok(curl.includes(`Authorization: Bearer ${TOKEN}`), 'the request carried the pasted token');
    });

    // --- Self-help groups, step by step as a tester clicks them -------------------------------

    test('as the municipality, POST /api/v1/referrals refers a person to the centre: 201, submitted', async () => {
        assert.ok(flow.centre, `the organisations step found "${DEMO_ORGANISATION}"`);
        await authorizeWith(REFERRER_TOKEN);

        const referral = await execute('referrals', 'create_referral', {
            body: {
                target_centre_id: flow.centre,
                offer: 'self_help_group',
                person: {
                    given_name: 'Kari',
                    family_name: 'Nordmann',
                    phone: '+4791234567',
                    preferred_language: 'nb',
                    municipality_number: '5001',
                },
                target_groups: ['work_assessment_allowance'],
                preferred_format: 'in_person',
                consent: { contact: true, feedback_to_referrer: true, obtained_via: 'in_person', obtained_at: '2026-11-20T10:15:00Z' },
            },
        });
        assert.equal(referral.status, '201', referral.text);
        assert.equal(referral.body.status, 'submitted');
        assert.equal(referral.body.target_centre_id, flow.centre);
        flow.referral = referral.body.id;
    });

    test('as the centre coordinator, POST /api/v1/groups creates a planned group: 201; the same Idempotency-Key replays it', async () => {
        assert.ok(flow.referral, 'the referral step ran');
        await authorizeWith(CENTRE_TOKEN);
        const key = `browser-group-${Date.now()}`;
        const group = {
            title: 'Samtalegruppe for pårørende, tirsdager',
            theme: 'relatives',
            languages: ['nb'],
            format: 'centre_premises',
            municipality_number: '5001',
            schedule: { weekday: 'tuesday', start_time: '18:00', interval_weeks: 1 },
            min_members: 5,
            max_members: 8,
        };
        const created = await execute('groups', 'create_group', { params: { 'Idempotency-Key': key }, body: group, fold: false });
        assert.equal(created.status, '201', created.text);
        assert.equal(created.body.status, 'planned');
        assert.equal(created.body.member_count, 0);
        assert.equal(created.body.open_seats, 8);
        assert.deepEqual(created.body.allowed_transitions, ['recruiting', 'ended']);
        assert.match(created.headers, /location: \/api\/v1\/groups\//i, 'Swagger UI shows the Location header');

        const again = await execute('groups', 'create_group', { params: { 'Idempotency-Key': key }, body: group });
        assert.equal(again.status, '201', again.text);
        assert.equal(again.body.id, created.body.id, 'the retry answers with the same group');
        assert.match(again.headers, /idempotent-replayed: true/i, 'Swagger UI shows the replay header');
        flow.group = created.body.id;
    });

    test('POST /api/v1/groups/{id}/transitions opens it for recruiting: 200; starting without members: 409', async () => {
        assert.ok(flow.group, 'the group step ran');
        const recruiting = await execute('groups', 'transition_group', {
            params: { id: flow.group },
            body: { to: 'recruiting' },
            fold: false,
        });
        assert.equal(recruiting.status, '200', recruiting.text);
        assert.equal(recruiting.body.status, 'recruiting');

        const starting = await execute('groups', 'transition_group', { params: { id: flow.group }, body: { to: 'starting' } });
        assert.equal(starting.status, '409', starting.text);
        assert.equal(starting.body.status, 409);
        assert.match(starting.body.detail, /needs 5 members to start and has 0/);
    });

    test('POST /api/v1/intakes books an intake for the referral: 201; the referral is intake_scheduled', async () => {
        assert.ok(flow.referral, 'the referral step ran');
        const booked = await execute('intakes', 'create_intake', {
            params: { 'Idempotency-Key': `browser-intake-${Date.now()}` },
            body: {
                referral_id: flow.referral,
                scheduled_at: '2026-12-03T10:00:00Z',
                format: 'in_person',
                preferences: { themes: ['relatives'], languages: ['nb'], weekdays: ['tuesday'] },
            },
        });
        assert.equal(booked.status, '201', booked.text);
        assert.equal(booked.body.referral_id, flow.referral);
        assert.equal(booked.body.held_at, null);
        flow.intake = booked.body.id;

        const referral = await execute('referrals', 'get_referral', { params: { id: flow.referral } });
        assert.equal(referral.status, '200', referral.text);
        assert.equal(referral.body.status, 'intake_scheduled');
    });

    test('GET /api/v1/intakes/{id}/suggested-groups ranks the new group at the top, meeting theme, language and weekday', async () => {
        assert.ok(flow.intake && flow.group, 'the intake and group steps ran');
        const suggested = await execute('intakes', 'suggested_groups', { params: { id: flow.intake } });
        assert.equal(suggested.status, '200', suggested.text);
        const { items } = suggested.body;
        const ours = items.find((item) => item.group.id === flow.group);
        assert.ok(ours, `the new group is among the ${items.length} suggested`);
        // The demo data's own groups of the centre may tie with it, but none fits better.
        assert.equal(ours.fit.score, items[0].fit.score, `the new group ranks at the top: ${JSON.stringify(ours.fit)}`);
        for (const criterion of ['theme', 'language', 'weekday']) {
            assert.ok(ours.fit.met.includes(criterion), `the fit meets "${criterion}"`);
        }
    });

    test('POST /api/v1/intakes/{id}/completion and POST /api/v1/groups/{id}/members place the person: 200, 201', async () => {
        assert.ok(flow.intake && flow.group, 'the intake and group steps ran');
        const completed = await execute('intakes', 'complete_intake', {
            params: { id: flow.intake },
            body: { held_at: new Date().toISOString(), outcome: 'specific_group', outcome_theme: 'relatives', pseudonym: 'Kari' },
        });
        assert.equal(completed.status, '200', completed.text);
        assert.equal(completed.body.outcome, 'specific_group');

        const placed = await execute('groups', 'place_member', {
            params: { id: flow.group, 'Idempotency-Key': `browser-place-${Date.now()}` },
            body: { intake_id: flow.intake },
        });
        assert.equal(placed.status, '201', placed.text);
        assert.equal(placed.body.group_id, flow.group);
        assert.equal(placed.body.pseudonym, 'Kari');
        assert.equal(placed.body.left_at, null);

        const group = await execute('groups', 'get_group', { params: { id: flow.group } });
        assert.equal(group.status, '200', group.text);
        assert.equal(group.body.member_count, 1);
        assert.equal(group.body.open_seats, 7);
    });

    test('as the county governor, POST /api/v1/dialogue-meetings with Verdal, then held, then a finding with its risk: 201, 200, 201', async () => {
        assert.ok(GOVERNOR_TOKEN && CONTACT_TOKEN, 'SAMHANDLING_GOVERNOR_TOKEN and SAMHANDLING_CONTACT_TOKEN must be set (run scripts/browser.sh)');
        await authorizeWith(GOVERNOR_TOKEN);
        const listed = await execute('dialogue', 'list_meetings');
        assert.equal(listed.status, '200', listed.text);
        const innherred = listed.body.items.find((m) => m.title === 'Dialogmøte Innherred og Namdal');
        assert.ok(innherred, 'the demo data\'s Trøndelag meetings are listed');
        assert.equal(innherred.view, 'governor');
        const created = await execute('dialogue', 'create_meeting', {
            params: { 'Idempotency-Key': `browser-meeting-${Date.now()}` },
            body: {
                title: 'Oppfølgingsmøte Verdal',
                held_on: '2026-12-01',
                digital: true,
                focus_areas: ['mental_health'],
                municipalities: innherred.municipalities.slice(1, 2),
            },
        });
        assert.equal(created.status, '201', created.text);
        assert.equal(created.body.view, 'governor');
        assert.deepEqual(created.body.allowed_transitions, ['held']);
        flow.meeting = created.body.id;
        flow.verdal = innherred.municipalities[1];
        flow.korus = innherred.partners[0];
        const held = await execute('dialogue', 'transition_meeting', { params: { id: flow.meeting }, body: { to: 'held' } });
        assert.equal(held.status, '200', held.text);
        const finding = await execute('dialogue', 'record_finding', {
            params: { id: flow.meeting, 'Idempotency-Key': `browser-finding-${Date.now()}` },
            body: {
                municipality_id: flow.verdal, strengths: 'Godt pårørendearbeid.', risk: { level: 'low', rationale: 'Stabil bemanning.' },
                collaboration_needs: [{ partner_organisation_id: flow.korus, description: 'Veiledning i nettverksmøter for unge voksne' }],
            },
        });
        assert.equal(finding.status, '201', finding.text);
        assert.equal(finding.body.risk.level, 'low');
        assert.equal(finding.body.collaboration_needs[0].status, 'open');
        flow.need = finding.body.collaboration_needs[0].id;
    });

    test('as Verdal\'s contact, GET /api/v1/dialogue-meetings/{id} shows its finding and no risk assessment', async () => {
        assert.ok(flow.meeting, 'the meeting step ran');
        await authorizeWith(CONTACT_TOKEN);
        const seen = await execute('dialogue', 'get_meeting', { params: { id: flow.meeting } });
        assert.equal(seen.status, '200', seen.text);
        assert.equal(seen.body.view, 'municipality');
        assert.equal(seen.body.findings.length, 1);
        assert.equal(seen.body.findings[0].strengths, 'Godt pårørendearbeid.');
        assert.ok(!seen.text.includes('risk') && !seen.text.includes('Stabil bemanning'), 'no risk assessment reaches the municipality');
    });

    test('as KoRus Midt\'s adviser, POST /api/v1/courses with one seat, then two enrolments: the second waits', async () => {
        assert.ok(ADVISER_TOKEN && FACILITATOR_TOKEN && FACILITATOR_SUBJECT && TRONDHEIM,
            'SAMHANDLING_ADVISER_TOKEN, SAMHANDLING_FACILITATOR_TOKEN, SAMHANDLING_FACILITATOR_SUBJECT and SAMHANDLING_TRONDHEIM_ID must be set (run scripts/browser.sh)');
        await authorizeWith(ADVISER_TOKEN);
        const course = await execute('courses', 'create_course', {
            params: { 'Idempotency-Key': `browser-course-${Date.now()}` },
            body: { title: 'Nettverksmøter – grunnkurs', place: 'Trondheim', dates: ['2027-02-03', '2027-02-02'], capacity: 1 },
        });
        assert.equal(course.status, '201', course.text);
        assert.deepEqual(course.body.dates, ['2027-02-02', '2027-02-03']);
        flow.course = course.body.id;
        const enrol = (name, email, subject) => execute('courses', 'enrol', {
            params: { id: flow.course, 'Idempotency-Key': `browser-enrol-${email}-${Date.now()}` },
            body: { name, work_email: email, employer_organisation_id: TRONDHEIM, service: 'Oppfølgingstjenesten psykisk helse og rus', ...(subject ? { subject } : {}) },
        });
        const first = await enrol('Kari Nordmann', 'kari.nordmann@trondheim.kommune.example', FACILITATOR_SUBJECT);
        assert.equal(first.status, '201', first.text);
        assert.equal(first.body.status, 'enrolled');
        flow.enrolment = first.body.id;
        const second = await enrol('Ola Hansen', 'ola.hansen@trondheim.kommune.example');
        assert.equal(second.status, '201', second.text);
        assert.equal(second.body.status, 'waiting');
        assert.equal(second.body.waiting_position, 1);
    });

    test('completing the first enrolment makes Kari a facilitator of KoRus Midt, pending her confirmation', async () => {
        assert.ok(flow.enrolment, 'the course step ran');
        const completed = await execute('courses', 'move_enrolment', {
            params: { id: flow.course, enrolment_id: flow.enrolment }, body: { to: 'completed' },
        });
        assert.equal(completed.status, '200', completed.text);
        assert.equal(completed.body.status, 'completed');
        const facilitators = await execute('courses', 'list_facilitators');
        assert.equal(facilitators.status, '200', facilitators.text);
        const kari = facilitators.body.items.find((f) => f.subject === FACILITATOR_SUBJECT);
        assert.ok(kari, 'Kari is listed');
        assert.equal(kari.trained_on_course, flow.course);
        assert.equal(kari.confirmed_at, null);
    });

    test('as Kari, she confirms the link and logs a meeting: chose_participants false is 422 with the principle, true is 201', async () => {
        assert.ok(flow.course, 'the course step ran');
        await authorizeWith(FACILITATOR_TOKEN);
        const links = await execute('courses', 'list_facilitator_links');
        assert.equal(links.status, '200', links.text);
        const pending = links.body.items.find((link) => link.confirmed_at === null && link.trained);
        assert.ok(pending, 'KoRus Midt\'s link is pending');
        const confirmed = await execute('courses', 'confirm_facilitator_link', { params: { id: pending.id } });
        assert.equal(confirmed.status, '200', confirmed.text);
        assert.ok(confirmed.body.confirmed_at);
        const log = (chose) => ({
            held_on: '2026-11-20', municipality_number: '5001', service: 'Oppfølgingstjenesten', suggested_by: 'professional',
            main_person: { age_group: '30_49', chose_participants: chose }, participants: { family: 3, friend: 1 },
            themes: ['mental_health'], next_meeting: { planned: true, on: '2026-12-18' },
            supervision: { wanted: true, topic: 'Når nettverket er uenig' }, series_id: 'serie-A',
        });
        const refused = await execute('network-meetings', 'log_network_meeting', {
            params: { 'Idempotency-Key': `browser-log-refused-${Date.now()}` }, body: log(false), fold: false,
        });
        assert.equal(refused.status, '422', refused.text);
        assert.equal(refused.body.errors[0].field, 'main_person.chose_participants');
        assert.match(refused.body.errors[0].message, /chooses/);
        const logged = await execute('network-meetings', 'log_network_meeting', {
            params: { 'Idempotency-Key': `browser-log-${Date.now()}` }, body: log(true),
        });
        assert.equal(logged.status, '201', logged.text);
        assert.equal(logged.body.view, 'facilitator');
        assert.equal(logged.body.series_id, 'serie-A');
        flow.log = logged.body.id;
    });

    test('as KoRus Midt, the supervision request is in the queue and a session answers it; the centre\'s view has no series label', async () => {
        assert.ok(flow.log, 'the log step ran');
        await authorizeWith(ADVISER_TOKEN);
        const queue = await execute('network-meetings', 'list_supervision_requests');
        assert.equal(queue.status, '200', queue.text);
        assert.ok(queue.body.items.some((request) => request.network_meeting_id === flow.log), 'the request waits');
        const session = await execute('network-meetings', 'record_supervision_session', {
            params: { 'Idempotency-Key': `browser-session-${Date.now()}` },
            body: { held_on: '2026-12-04', topics: ['Når nettverket er uenig'],
                facilitators: [{ employer_organisation_id: TRONDHEIM, subject: FACILITATOR_SUBJECT }], answers: [flow.log] },
        });
        assert.equal(session.status, '201', session.text);
        assert.deepEqual(session.body.answers, [flow.log]);
        const seen = await execute('network-meetings', 'get_network_meeting', { params: { id: flow.log } });
        assert.equal(seen.status, '200', seen.text);
        assert.equal(seen.body.view, 'competence_centre');
        assert.ok(!('series_id' in seen.body) && !('version' in seen.body), 'no series label or version reaches the centre');
    });

    test('as Kari, her log shows the request answered', async () => {
        assert.ok(flow.log, 'the log step ran');
        await authorizeWith(FACILITATOR_TOKEN);
        const own = await execute('network-meetings', 'get_network_meeting', { params: { id: flow.log } });
        assert.equal(own.status, '200', own.text);
        assert.equal(own.body.view, 'facilitator');
        assert.ok(own.body.supervision.answered_on, own.text);
    });

    test('as KoRus Midt\'s adviser, the need the governor addressed to it is listed, and answered with its course: 200', async () => {
        assert.ok(flow.need && flow.course, 'the finding and course steps ran');
        await authorizeWith(ADVISER_TOKEN);
        const listed = await execute('coordination', 'list_needs', { params: { municipality_id: flow.verdal } });
        assert.equal(listed.status, '200', listed.text);
        const need = listed.body.items.find((item) => item.id === flow.need);
        assert.ok(need, 'the need is addressed to KoRus Midt');
        assert.equal(need.description, 'Veiledning i nettverksmøter for unge voksne');
        assert.ok(!listed.text.includes('Stabil bemanning'), 'no risk reaches the partner');
        const answered = await execute('coordination', 'move_need', {
            params: { id: flow.need, 'If-Match': `"${need.version}"` },
            body: { to: 'accepted', offer: { kind: 'course', course_id: flow.course, text: 'En plass på grunnkurset i februar.' } },
        });
        assert.equal(answered.status, '200', answered.text);
        assert.equal(answered.body.status, 'accepted');
        assert.match(answered.headers, /etag: "2"/i);
    });

    test('as Verdal\'s contact, GET /api/v1/collaboration-needs/{id} shows KoRus Midt\'s answer and its course', async () => {
        assert.ok(flow.need, 'the answer step ran');
        await authorizeWith(CONTACT_TOKEN);
        const seen = await execute('coordination', 'get_need', { params: { id: flow.need } });
        assert.equal(seen.status, '200', seen.text);
        assert.equal(seen.body.status, 'accepted');
        assert.equal(seen.body.offer.kind, 'course');
        assert.equal(seen.body.offer.course_id, flow.course);
        assert.ok(seen.body.answered_at, 'when it was answered');
    });

    test('as the county governor\'s adviser, a funder records a grant and reads its report: whole kroner, small counts suppressed', async () => {
        assert.ok(flow.course && flow.korus, 'the course step ran');
        await authorizeWith(GOVERNOR_TOKEN);
        const recorded = await execute('grants', 'record_grant', {
            params: { 'Idempotency-Key': `browser-grant-${Date.now()}` },
            body: { funder_organisation_id: GOVERNOR_ID, recipient_organisation_id: flow.korus, amount_nok: 100000,
                valid_from: '2026-01-01', valid_until: '2026-12-31', purpose: 'Driftsmidler til nettverksmøtekursene resten av året',
                activities: [{ course_id: flow.course }] },
        });
        assert.equal(recorded.status, '201', recorded.text);
        assert.equal(recorded.body.status, 'granted');
        assert.equal(recorded.body.amount_nok, 100000);
        assert.deepEqual(recorded.body.allowed_transitions, ['paid', 'stopped']);
        const paid = await execute('grants', 'move_grant', {
            params: { id: recorded.body.id, 'If-Match': `"${recorded.body.version}"` }, body: { to: 'paid' },
        });
        assert.equal(paid.status, '200', paid.text);
        assert.equal(paid.body.status, 'paid');
        const report = await execute('grants', 'grant_report', { params: { id: recorded.body.id } });
        assert.equal(report.status, '200', report.text);
        assert.equal(report.body.grant_id, recorded.body.id);
        assert.ok(report.body.quarters_counted.length >= 1, report.text);
        assert.deepEqual(report.body.courses_held.columns, report.body.quarters_counted);
        assert.equal(report.body.people_placed, null);
        const figures = ['courses_held', 'people_trained', 'network_meetings']
            .flatMap((measure) => [...report.body[measure].rows[0].cells, report.body[measure].total]);
        for (const figure of figures) {
            assert.ok(figure.count === null ? ['<5', 'x', '..'].includes(figure.shown) : figure.count === 0 || figure.count >= 5,
                `no count of 1 to 4 is shown: ${JSON.stringify(figure)}`);
        }
    });

    test('as Stjørdal\'s case system, Authorize\'s client-credentials form gets a token from the token endpoint, and calls carry it', async () => {
        assert.ok(CLIENT_ID && CLIENT_SECRET, 'SAMHANDLING_CLIENT_ID and SAMHANDLING_CLIENT_SECRET must be set (run scripts/browser.sh)');
        await page.locator('.auth-wrapper .btn.authorize').click();
        const dialog = page.locator('.dialog-ux .modal-ux');
        // The pasted token goes first, so that only the client's token can authorize the call.
        const bearer = dialog.locator('.auth-container').filter({ has: page.locator('h4 code', { hasText: /^bearer$/ }) });
        const logout = bearer.getByRole('button', { name: 'Remove authorization' });
        if (await logout.isVisible()) await logout.click();
        const oauth = dialog.locator('.auth-container').filter({ has: page.locator('h4', { hasText: /^oauth2 \(OAuth2, clientCredentials\)/ }) });
        assert.match(await oauth.innerText(), /\/api\/v1\/oauth\/token/, 'it names the token endpoint');
        const tokenAnswer = page.waitForResponse((response) => response.url().endsWith('/api/v1/oauth/token'));
        await oauth.locator('input[id^="client_id"]').fill(CLIENT_ID);
        await oauth.locator('input[id^="client_secret"]').fill(CLIENT_SECRET);
        await oauth.getByRole('button', { name: 'Apply given OAuth2 credentials' }).click();
        const answered = await tokenAnswer;
        assert.equal(answered.status(), 200, 'the token endpoint issued a token');
        const issued = await answered.json();
        await oauth.locator('h6', { hasText: 'Authorized' }).waitFor();
        await dialog.locator('.btn-done').first().click();
        await dialog.waitFor({ state: 'detached' });

        const listed = await execute('referrals', 'list_referrals');
        assert.equal(listed.status, '200', listed.text);
        assert.equal(listed.authorization, `Bearer ${issued.access_token}`, 'the call carried the client\'s token');

        // Back to pasted tokens for whatever follows: the client's authorization is removed.
        await page.locator('.auth-wrapper .btn.authorize').click();
        await oauth.getByRole('button', { name: 'Remove authorization' }).click();
        await dialog.locator('.btn-done').first().click();
        await dialog.waitFor({ state: 'detached' });
    });

    test('the page raised no errors and fetched nothing from elsewhere', () => {
        assert.deepEqual(pageErrors, []);
        assert.deepEqual(foreignRequests, []);
    });
});

// Authorize → (Logout) → paste `token` → Authorize → Close, as a tester switches roles.
async function authorizeWith(token) {
    await page.locator('.auth-wrapper .btn.authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    const scheme = dialog.locator('.auth-container').filter({ has: page.locator('h4 code', { hasText: /^bearer$/ }) });
    const logout = scheme.getByRole('button', { name: 'Remove authorization' });
    if (await logout.isVisible()) await logout.click();
    await scheme.locator('input#auth-bearer-value').fill(token);
    await scheme.getByRole('button', { name: 'Apply credentials' }).click();
    await scheme.locator('h6', { hasText: 'Authorized' }).waitFor();
    await dialog.locator('.btn-done').first().click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.auth-wrapper .btn.authorize.locked').waitFor();
}

// Opens the operation `operationId` under `tag` in "Try it out" mode, fills in `params` (path,
// query and header parameters by name) and the JSON `body`, presses "Execute" and returns what
// Swagger UI then shows: the status, the parsed body (and its text) and the response headers as
// text. Then folds the operation again, unless `fold` is false (it is executed again next).
async function execute(tag, operationId, { params = {}, body, fold = true } = {}) {
    const operation = page.locator(`#operations-${tag}-${operationId}`);
    await operation.scrollIntoViewIfNeeded();
    if (!(await operation.locator('.opblock-body').isVisible())) {
        await operation.locator('.opblock-summary-control').click();
        await operation.locator('.opblock-body').waitFor();
    }
    // tryItOutEnabled opens operations in "Try it out" mode already (the button says "Cancel").
    const tryOut = operation.locator('.try-out__btn', { hasText: /^Try it out$/ });
    if (await tryOut.isVisible()) await tryOut.click();
    await operation.locator('.try-out__btn.cancel').waitFor();
    // A response shown from an earlier "Execute" goes first, so that the one read is this one's.
    const clear = operation.locator('.btn-clear');
    if (await clear.isVisible()) await clear.click();

    for (const [name, value] of Object.entries(params)) {
        await operation.locator(`.parameters tr[data-param-name="${name}"] input`).fill(String(value));
    }
    if (body !== undefined) {
        await operation.locator('textarea.body-param__text').fill(JSON.stringify(body, null, 2));
    }
    const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().startsWith(`${BASE}/api/`) && r.request().headers().authorization !== undefined),
        operation.locator('.btn.execute').click(),
    ]);
    const live = operation.locator('.live-responses-table tbody tr.response');
    await live.locator('.response-col_description .highlight-code pre').waitFor();
    // The status cell may add "Undocumented" under the code.
    const status = (await live.locator('td.response-col_status').innerText()).trim().split(/\s+/)[0];
    assert.equal(status, String(response.status()), `Swagger UI shows the status the server sent for ${operationId}`);
    const text = await live.locator('.response-col_description .highlight-code pre').innerText();
    const headers = await live
        .locator('.response-col_description h5', { hasText: /^Response headers$/ })
        .locator('xpath=following-sibling::pre[1]')
        .innerText();
    // Folded again, as a tester tidies up: every open operation slows every re-render of the page.
    if (fold) {
        await operation.locator('.opblock-summary-control').click();
        await operation.locator('.opblock-body').waitFor({ state: 'detached' });
    }
    const authorization = response.request().headers().authorization;
    return { status, body: JSON.parse(text), text, headers, authorization };
}

function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
