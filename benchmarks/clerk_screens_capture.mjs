// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// The requests of each clerk screen, exactly as Odoo 18's web client sends
// them: chromium (playwright-core) logged in as a clerk walks the screens of
// bench_clerk_screens.py on a served database and writes, per screen, every
// JSON-RPC request (/web/dataset/call_kw, call_button, /web/action/load,
// /mail/...) and report download it sent, with the account it used, for
// bench_clerk_screens.py and locust_clerks.py to replay on other accounts.
//
//   node benchmarks/clerk_screens_capture.mjs --url http://127.0.0.1:8111 \
//       --account <account number> [--login demo_csr --password demo_csr] \
//       [--out benchmarks/clerk_screens_requests.json]
//
// The session's start (log in, menus, translations, view descriptions) is
// left out: a clerk loads it once a day.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values: opts } = parseArgs({
    options: {
        url: { type: "string" },
        account: { type: "string" },
        out: { type: "string", default: "benchmarks/clerk_screens_requests.json" },
        login: { type: "string", default: "demo_csr" },
        password: { type: "string", default: "demo_csr" },
        chromium: { type: "string", default: "/usr/bin/chromium" },
        timeout: { type: "string", default: "60000" },
    },
});
if (!opts.url || !opts.account) {
    console.error("usage: clerk_screens_capture.mjs --url http://127.0.0.1:PORT --account NUMBER");
    process.exit(2);
}
const BASE = opts.url.replace(/\/+$/, "");
const TIMEOUT = Number(opts.timeout);
const { chromium } = await import("playwright-core");

// Requests of the session's start and of the bus: not a screen's.
const SKIP = [
    /\/web\/webclient\//,
    /\/web\/dataset\/call_kw\/[^/]+\/get_views/,
    /\/web\/dataset\/call_kw\/res\.users\/has_group/,
    /\/web\/dataset\/call_kw\/res\.users\/systray_get_activities/,
    /\/mail\/data$/,
    /\/mail\/action$/,
    /\/mail\/inbox/,
    /\/websocket/,
    /\/bus\//,
    /\/web\/image/,
    /\/web\/assets/,
    /\/web\/static/,
    /\/web\/bundle/,
];
const KEEP = /\/web\/dataset\/|\/web\/action\/load|\/mail\/|\/report\//;

const screens = {};
const order = [];
let current = null;
let inflight = 0;
let lastActivity = Date.now();

const profile = mkdtempSync(path.join(tmpdir(), "ub-capture-profile-"));
const context = await chromium.launchPersistentContext(profile, {
    executablePath: opts.chromium,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"],
    viewport: { width: 1600, height: 1000 },
    locale: "en-US",
    timezoneId: "UTC",
    acceptDownloads: true,
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(TIMEOUT);

page.on("request", (request) => {
    const type = request.resourceType();
    if (type === "xhr" || type === "fetch") {
        inflight += 1;
        lastActivity = Date.now();
    }
    const url = new URL(request.url());
    if (!current || !KEEP.test(url.pathname) || SKIP.some((re) => re.test(url.pathname))) return;
    const entry = {
        method: request.method(),
        path: url.pathname + url.search,
        contentType: request.headers()["content-type"] || null,
        body: request.postData(),
    };
    request._ubEntry = entry;
    screens[current].push(entry);
});
const finished = async (request) => {
    const type = request.resourceType();
    if (type === "xhr" || type === "fetch") {
        inflight -= 1;
        lastActivity = Date.now();
    }
    const entry = request._ubEntry;
    if (!entry) return;
    const response = await request.response().catch(() => null);
    entry.status = response ? response.status() : null;
    if (response && /json/.test(response.headers()["content-type"] || "")) {
        const data = await response.json().catch(() => null);
        const result = data && data.result;
        // An action answering a button: the record it opens (a new wizard).
        if (result && typeof result === "object" && result.res_id) entry.resId = result.res_id;
        if (data && data.error) entry.error = data.error.data?.message || data.error.message;
    }
};
page.on("requestfinished", finished);
page.on("requestfailed", finished);

async function settle(quiet = 600, limit = 60000) {
    const t0 = Date.now();
    while (Date.now() - t0 < limit) {
        const loading = await page.locator(".o_loading_indicator").count();
        if (inflight <= 0 && !loading && Date.now() - lastActivity >= quiet) return;
        await page.waitForTimeout(100);
    }
    throw new Error(`requests still in flight after ${limit / 1000}s (${current})`);
}

async function screen(name, fn) {
    await settle();
    current = name;
    screens[name] = [];
    order.push(name);
    const t0 = Date.now();
    await fn();
    await settle();
    current = null;
    const errors = screens[name].filter((e) => e.error || (e.status && e.status >= 400));
    if (errors.length) throw new Error(`${name}: ${JSON.stringify(errors[0]).slice(0, 800)}`);
    console.log(`${name}: ${screens[name].length} request(s) (${Date.now() - t0} ms)`);
}

// Not a screen: navigation between the screens (not recorded).
async function between(fn) {
    await settle();
    current = null;
    await fn();
    await settle();
}

const rows = () => page.locator(".o_action_manager .o_list_renderer .o_data_row");
const form = () => page.locator(".o_action_manager > .o_form_view");
const dialog = () => page.locator(".modal .o_form_view").last();

async function search(text) {
    const input = page.locator(".o_searchview_input");
    await input.fill(text);
    await page.locator(".o_searchview_autocomplete li").first().waitFor();
    await input.press("Enter");
}

async function removeLastFacet() {
    await page.locator(".o_searchview_facet .o_facet_remove").last().click();
}

async function fieldText(scope, name) {
    return scope.locator(`.o_field_widget[name="${name}"]`).first().evaluate((el) => {
        const input = el.querySelector("input, textarea");
        return ((input ? input.value : "") || el.innerText || "").trim();
    });
}

const meta = { login: opts.login, account: { name: opts.account } };
try {
    await page.goto(`${BASE}/web/login`);
    await page.locator("input#login").fill(opts.login);
    await page.locator("input#password").fill(opts.password);
    await page.locator("form.oe_login_form button[type=submit]").first().click();
    await page.locator(".o_main_navbar .o_navbar_apps_menu").waitFor();

    // The account: its id, customer and premise, read from its form.
    await between(async () => {
        await page.goto(`${BASE}/odoo/action-utility_billing.utility_account_action`);
        await rows().first().waitFor();
        await search(opts.account);
        await page.waitForFunction(() => document.querySelectorAll(".o_data_row").length === 1);
        await rows().first().locator(".o_data_cell").first().click();
        await form().waitFor();
        meta.account.id = Number(/\/(\d+)(?:[/?]|$)/.exec(new URL(page.url()).pathname)[1]);
        meta.account.partner_name = await fieldText(form(), "partner_id");
        meta.account.location_name = await fieldText(form(), "location_id");
        await page.goto(`${BASE}/odoo/action-utility_billing.utility_account_action`);
        await rows().first().waitFor();
    });

    await screen("account search by number", () => search(meta.account.name));
    await between(removeLastFacet);
    await screen("account search by name", () => search(meta.account.partner_name));
    await between(removeLastFacet);
    await screen("account search by address", () => search(meta.account.location_name));
    await between(async () => {
        await removeLastFacet();
        await search(meta.account.name);
        await page.waitForFunction(() => document.querySelectorAll(".o_data_row").length === 1);
    });
    await screen("account form (balance, counts, tabs)", async () => {
        await rows().first().locator(".o_data_cell").first().click();
        await form().locator(".oe_stat_button").first().waitFor();
    });
    for (const [name, button] of [
        ["account open bills", "action_view_open_bills"],
        ["account bills", "action_view_all_bills"],
        ["account payments", "action_view_payments"],
    ]) {
        await screen(name, async () => {
            await form().locator(`.oe_stat_button[name="${button}"]`).click();
            await page.locator(".o_action_manager > .o_list_view").waitFor();
        });
        await between(async () => {
            await page.locator(".o_breadcrumb .breadcrumb-item a").last().click();
            await form().waitFor();
        });
    }
    await screen("statement of account (screen)", async () => {
        await form().locator('.oe_stat_button[name="action_open_statement"]').click();
        await dialog().locator(".o_utility_statement table").waitFor();
    });
    await screen("statement of account (PDF)", async () => {
        const [download] = await Promise.all([
            page.waitForEvent("download", { timeout: TIMEOUT }),
            page.locator('.modal-footer button[name="action_print"]').click(),
        ]);
        await download.path();
    });
    await between(() => page.locator(".modal-footer button", { hasText: "Close" }).click());
    await screen("take payment: dialog with the balance", async () => {
        await form().locator('.o_form_statusbar button[name="action_take_payment"]').click();
        await dialog().locator('.o_field_widget[name="line_ids"] .o_data_row').first().waitFor();
    });
    await screen("take payment: account lookup", async () => {
        await dialog().locator(".o_field_x2many_list_row_add a").first().click();
        const input = dialog().locator('.o_selected_row .o_field_widget[name="account_id"] input');
        await input.fill(meta.account.name);
        await page.locator(".o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item")
            .first()
            .waitFor();
        await input.press("Enter");
        await page.waitForFunction(
            () => document.querySelectorAll(".modal .o_field_widget[name=line_ids] .o_data_row")
                .length >= 2,
        );
    });
    await between(() => page.locator(".modal-footer button", { hasText: "Cancel" }).click());
    await screen("read-exception queue", async () => {
        await page.locator('.o_menu_sections button[data-menu-xmlid="utility_billing.utility_meters_menu"]').click();
        await page.locator('.dropdown-menu [data-menu-xmlid="utility_billing.utility_reading_exception_menu"]').click();
        await page.locator(".o_action_manager > .o_list_view .o_list_renderer").waitFor();
    });
    // Odoo's own screens, opened as a page: their list request is what
    // bench_clerk_screens.py replays with a street / a customer in its domain.
    await screen("Odoo: Contacts list", async () => {
        await page.goto(`${BASE}/odoo/action-contacts.action_contacts?view_type=list`);
        await page.locator(".o_action_manager > .o_list_view .o_list_renderer").waitFor();
    });
    await screen("Odoo: invoices list", async () => {
        await page.goto(`${BASE}/odoo/action-account.action_move_out_invoice_type`);
        await page.locator(".o_action_manager > .o_list_view .o_list_renderer").waitFor();
    });
} catch (err) {
    console.error(`capture failed at "${current}": ${err.stack || err}`);
    await page.screenshot({ path: "/tmp/clerk_screens_capture_failed.png" }).catch(() => {});
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    process.exit(1);
}
writeFileSync(opts.out, `${JSON.stringify({ meta, order, screens }, null, 1)}\n`);
console.log(`wrote ${opts.out}`);
await context.close();
rmSync(profile, { recursive: true, force: true });
