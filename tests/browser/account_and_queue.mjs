// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// End-to-end check of what a clerk sees first: log in, open Utility Billing,
// open an account from the Accounts list (customer, premise, services,
// balance), the read-exception review queue, a rated billing run's review
// register, and a bill of the posted run in Odoo's invoice form (account,
// premise, service period, run, service per line). Screenshots go to --out.
//
//   node tests/browser/account_and_queue.mjs --url http://127.0.0.1:8069 --out test-output
//
// Options: --login/--password (admin/admin), --chromium (/usr/bin/chromium),
// --min-accounts (1), --min-exceptions (0). Exits 1 with the failed step, the
// page URL, any Odoo error dialog and a failure screenshot.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values: opts } = parseArgs({
    options: {
        url: { type: "string" },
        out: { type: "string", default: "test-output" },
        login: { type: "string", default: "admin" },
        password: { type: "string", default: "admin" },
        chromium: { type: "string", default: "/usr/bin/chromium" },
        "min-accounts": { type: "string", default: "1" },
        "min-exceptions": { type: "string", default: "0" },
        timeout: { type: "string", default: "20000" },
    },
});
if (!opts.url) {
    console.error("usage: account_and_queue.mjs --url http://127.0.0.1:PORT [--out DIR]");
    process.exit(2);
}
const BASE = opts.url.replace(/\/+$/, "");
const OUT = path.resolve(opts.out);
const MIN_ACCOUNTS = Number(opts["min-accounts"]);
const MIN_EXCEPTIONS = Number(opts["min-exceptions"]);
const TIMEOUT = Number(opts.timeout);
// The first page of the web client compiles the asset bundles on the server.
const FIRST_LOAD_TIMEOUT = Math.max(TIMEOUT, 90000);
const APP_XMLID = "utility_billing.utility_billing_menu_root";

let chromium;
try {
    ({ chromium } = await import("playwright-core"));
} catch (err) {
    console.error(
        `[browser] cannot load playwright-core (${err.message}): run \`npm ci\` in the repository root`,
    );
    process.exit(1);
}

const started = Date.now();
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);
const log = (msg) => console.log(`[browser ${seconds(started).padStart(5)}s] ${msg}`);

class CheckError extends Error {}
function check(condition, message) {
    if (!condition) throw new CheckError(message);
}

mkdirSync(OUT, { recursive: true });
const profile = mkdtempSync(path.join(tmpdir(), "ub-browser-profile-"));
let context;
let page;
let current = "launch chromium";
const pageErrors = [];

async function step(name, fn) {
    current = name;
    const t0 = Date.now();
    const result = await fn();
    await failOnErrorDialog();
    log(`ok   ${name} (${seconds(t0)}s)`);
    return result;
}

// An RPC error, a traceback or a UserError shows as a dialog; a check that
// only looks for its own selector would time out with a less useful message.
async function failOnErrorDialog() {
    const dialog = page.locator(".o_error_dialog");
    if (await dialog.count()) {
        const text = (await dialog.first().innerText()).slice(0, 3000);
        throw new CheckError(`Odoo shows an error dialog:\n${text}`);
    }
    check(!pageErrors.length, `uncaught JavaScript error in the page:\n${pageErrors.join("\n")}`);
}

// Value shown by a field widget: inputs in the (always editable) form view,
// plain text otherwise.
async function fieldText(scope, name) {
    const widget = scope.locator(`.o_field_widget[name="${name}"]`).first();
    if (!(await widget.count())) return null;
    return widget.evaluate((el) => {
        const input = el.querySelector("input, textarea, select");
        return ((input ? input.value : "") || el.innerText || "").trim();
    });
}

async function waitForController(kind) {
    const controller = page.locator(`.o_action_manager > .o_view_controller.o_${kind}_view`);
    await controller.waitFor({ state: "visible", timeout: TIMEOUT });
    return controller;
}

// A menu click keeps the previous view on screen until the new action has
// loaded: wait for the new title, not for any controller.
async function waitForTitle(expected) {
    const title = page.locator(".o_action_manager > .o_view_controller .o_last_breadcrumb_item");
    const escaped = expected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const exact = new RegExp(`^\\s*${escaped}\\s*$`);
    await title
        .filter({ hasText: exact })
        .first()
        .waitFor({ timeout: TIMEOUT })
        .catch(async () => {
            const shown = await title
                .first()
                .innerText({ timeout: 1000 })
                .catch(() => "(no title)");
            throw new CheckError(`the breadcrumb shows "${shown.trim()}", expected "${expected}"`);
        });
}

async function openMenu(sectionXmlid, itemXmlid) {
    await page.locator(`.o_menu_sections button[data-menu-xmlid="${sectionXmlid}"]`).click();
    const item = page.locator(`.dropdown-menu [data-menu-xmlid="${itemXmlid}"]`);
    await item.waitFor({ timeout: TIMEOUT }).catch(() => {
        throw new CheckError(`the menu has no entry ${itemXmlid} under ${sectionXmlid}`);
    });
    await item.click();
}

function listRows(controller) {
    return controller.locator(".o_list_renderer .o_data_row");
}

// Records a list shows: its rows, or when it is grouped (a review queue
// grouped by edit) the counts of its top-level groups.
async function recordCount(controller) {
    const groups = await controller
        .locator(".o_list_renderer .o_group_header")
        .evaluateAll((rows) =>
            rows
                .filter((row) => {
                    const caret = row.querySelector(".o_group_caret");
                    return (
                        !caret ||
                        caret.style.getPropertyValue("--o-list-group-level").trim() === "0"
                    );
                })
                .map((row) =>
                    Number(
                        /\((\d+)\)\s*$/.exec(
                            row.querySelector(".o_group_name").innerText.split("\n")[0],
                        )?.[1] ?? 0,
                    ),
                ),
        );
    if (groups.length) return { records: groups.reduce((a, b) => a + b, 0), groups: groups.length };
    const kanban = controller.locator(".o_kanban_record:not(.o_kanban_ghost)");
    return {
        records: (await listRows(controller).count()) + (await kanban.count()),
        groups: 0,
    };
}

// Odoo keeps loading after the view shows (chatter, avatars, counters):
// wait until no request has been in flight for a moment before a screenshot.
let inflight = 0;
let lastActivity = Date.now();
async function settle(quiet = 400, limit = 10000) {
    const t0 = Date.now();
    while (Date.now() - t0 < limit) {
        const loading = await page.locator(".o_loading_indicator").count();
        if (inflight <= 0 && !loading && Date.now() - lastActivity >= quiet) return;
        await page.waitForTimeout(100);
    }
    log(`     (still ${inflight} request(s) in flight after ${limit / 1000}s: screenshot anyway)`);
}

try {
    context = await chromium.launchPersistentContext(profile, {
        executablePath: opts.chromium,
        headless: true,
        args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Nothing but the local server: no DNS for any other host.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
        ],
        viewport: { width: 1600, height: 1000 },
        locale: "en-US",
        timezoneId: "UTC",
    });
    const local = new Set(["127.0.0.1", "localhost", new URL(BASE).hostname]);
    await context.route(
        (url) => !local.has(url.hostname),
        (route) => route.abort("blockedbyclient"),
    );
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(TIMEOUT);
    // RPCs and images only: the bus's shared-worker script never "finishes".
    const tracked = new Set(["xhr", "fetch", "image", "font", "stylesheet"]);
    const track = (delta) => (request) => {
        if (!tracked.has(request.resourceType())) return;
        inflight += delta;
        lastActivity = Date.now();
    };
    page.on("request", track(1));
    page.on("requestfinished", track(-1));
    page.on("requestfailed", track(-1));
    page.on("pageerror", (err) => pageErrors.push(String(err.stack || err)));
    page.on("console", (msg) => {
        if (msg.type() === "error") log(`console error: ${msg.text()}`);
    });

    await step(`log in as ${opts.login}`, async () => {
        await page.goto(`${BASE}/web/login`, { timeout: FIRST_LOAD_TIMEOUT });
        const form = page.locator("form.oe_login_form");
        await form
            .locator("input#login")
            .waitFor({ state: "visible", timeout: FIRST_LOAD_TIMEOUT });
        await form.locator("input#login").fill(opts.login);
        await form.locator("input#password").fill(opts.password);
        await form.locator("button[type=submit]").first().click();
        const loggedIn = page.locator(".o_main_navbar .o_navbar_apps_menu");
        const refused = page.locator("form.oe_login_form .alert-danger");
        await loggedIn.or(refused).first().waitFor({ timeout: FIRST_LOAD_TIMEOUT });
        if (await refused.count()) {
            throw new CheckError(`login refused: ${(await refused.first().innerText()).trim()}`);
        }
    });

    await step("open the Utility Billing app", async () => {
        await page.locator(".o_navbar_apps_menu button").click();
        // The dropdown renders in an overlay, outside the navbar.
        const app = page.locator(`.dropdown-menu .o_app[data-menu-xmlid="${APP_XMLID}"]`);
        await app.waitFor({ timeout: TIMEOUT }).catch(() => {
            throw new CheckError(`the apps menu has no "Utility Billing" entry (${APP_XMLID})`);
        });
        await app.click();
        await page
            .locator(".o_action_manager > .o_view_controller")
            .waitFor({ timeout: FIRST_LOAD_TIMEOUT });
        const brand = (await page.locator(".o_main_navbar .o_menu_brand").innerText()).trim();
        check(
            brand === "Utility Billing",
            `the navbar shows app "${brand}", expected "Utility Billing"`,
        );
    });

    const accounts = await step("open Customers > Accounts", async () => {
        await openMenu(
            "utility_billing.utility_customers_menu",
            "utility_billing.utility_account_menu",
        );
        await waitForTitle("Accounts");
        const list = await waitForController("list");
        const rows = await listRows(list).count();
        log(`     the Accounts list shows ${rows} row(s)`);
        check(
            rows >= MIN_ACCOUNTS,
            `the Accounts list shows ${rows} account(s), expected at least ${MIN_ACCOUNTS}` +
                " (is the demo town installed?)",
        );
        return list;
    });

    await step("print the status letters of three accounts at once", async () => {
        // Several records in one print: Debian's wkhtmltopdf (unpatched Qt)
        // gave a server error and an empty PDF before the addon printed each
        // letter by itself (models/ir_actions_report.py).
        const rows = listRows(accounts);
        check((await rows.count()) >= 3, "the Accounts list shows fewer than 3 accounts");
        const numbers = [];
        for (let i = 0; i < 3; i++) {
            const row = rows.nth(i);
            numbers.push((await row.locator('.o_data_cell[name="name"]').innerText()).trim());
            await row.locator(".o_list_record_selector input").check();
        }
        await page.locator(".o_control_panel_actions button", { hasText: "Print" }).click();
        const item = page
            .locator(".dropdown-menu .dropdown-item", { hasText: "Account Status Letter" })
            .first();
        await item.waitFor({ timeout: TIMEOUT }).catch(() => {
            throw new CheckError('the Print menu has no "Account Status Letter"');
        });
        await settle();
        await page.screenshot({ path: path.join(OUT, "account_letters.png") });
        const [download] = await Promise.all([
            page.waitForEvent("download", { timeout: 120000 }),
            item.click(),
        ]);
        const pdf = path.join(OUT, "account_status_letters.pdf");
        await download.saveAs(pdf);
        // Three letters, three pages. (Their text is not checked here: with
        // the company's web fonts loaded, Debian's wkhtmltopdf draws the
        // letters' text as shapes that pdftotext cannot read; the unit tests
        // read each letter's account number.)
        let info;
        try {
            info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
        } catch (err) {
            throw new CheckError(`pdfinfo cannot read the printed letters: ${err.message}`);
        }
        const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
        check(pages === 3, `the letters of 3 accounts print on ${pages} page(s), expected 3`);
        log(`     printed ${download.suggestedFilename()}: ${numbers.join(", ")}`);
        // The web client clears the selection after a print.
        await rows
            .locator(".o_list_record_selector input:checked")
            .first()
            .waitFor({ state: "detached" });
    });

    await step("open the first account", async () => {
        const row = listRows(accounts).first();
        const number = (await row.locator('.o_data_cell[name="name"]').innerText()).trim();
        await row.locator(".o_data_cell").first().click();
        const form = await waitForController("form");
        const shown = await fieldText(form, "name");
        check(shown === number, `the form shows account "${shown}", the list row was "${number}"`);
        log(`     account ${number}`);
    });

    await step("check the account form: customer, premise, balance, services", async () => {
        const form = page.locator(".o_action_manager > .o_form_view");
        const problems = [];
        const customer = await fieldText(form, "partner_id");
        if (!customer) problems.push("no customer (partner_id) is shown");
        const premise = await fieldText(form, "location_id");
        if (!premise) problems.push("no premise (location_id) is shown");
        const balanceButton = form.locator(".oe_stat_button", { hasText: "Balance" });
        const balance = await fieldText(balanceButton, "amount_balance");
        if (!balance || !/\d/.test(balance)) {
            problems.push(`the Balance smart button shows "${balance ?? ""}", expected an amount`);
        }
        const balanceField = await fieldText(form.locator(".o_inner_group"), "amount_balance");
        if (!balanceField || !/\d/.test(balanceField)) {
            problems.push(
                `the Money group's balance shows "${balanceField ?? ""}", expected an amount`,
            );
        }
        const tab = form.locator('.o_notebook_headers a.nav-link[name="services"]');
        if (await tab.count()) {
            await tab.click();
            const services = form.locator('.o_field_widget[name="service_ids"] .o_data_row');
            const count = await services.count();
            if (!count) problems.push("the Services tab lists no service");
            const types = await services
                .locator('.o_data_cell[name="service_type_id"]')
                .allInnerTexts();
            if (types.some((t) => !t.trim())) problems.push("a service line has no service type");
            log(
                `     customer "${customer}", premise "${premise}", balance ${balance}, services: ${types.join(", ")}`,
            );
        } else {
            problems.push('the form has no "Services" tab');
        }
        await settle();
        await page.screenshot({ path: path.join(OUT, "account_form.png"), fullPage: true });
        check(!problems.length, `the account form is incomplete:\n  - ${problems.join("\n  - ")}`);
    });

    await step("print the account's statement of account", async () => {
        const form = page.locator(".o_action_manager > .o_form_view");
        const problems = [];
        for (const label of ["Open Bills", "Bills", "Payments"]) {
            const button = form.locator(".oe_stat_button", { hasText: label });
            if (!(await button.count())) problems.push(`no "${label}" smart button`);
        }
        await form.locator('.oe_stat_button[name="action_open_statement"]').click();
        const dialog = page.locator(".modal .o_form_view");
        await dialog.waitFor({ timeout: TIMEOUT });
        const table = dialog.locator(".o_utility_statement table");
        await table.waitFor({ timeout: TIMEOUT });
        const text = await table.innerText();
        if (!text.includes("Opening balance")) problems.push("the statement shows no opening balance");
        const rows = await table.locator("tbody tr").count();
        log(`     the statement lists ${rows - 2} movement(s)`);
        await settle();
        await page.screenshot({ path: path.join(OUT, "statement.png"), fullPage: true });
        const [download] = await Promise.all([
            page.waitForEvent("download", { timeout: 60000 }),
            page.locator('.modal-footer button[name="action_print"]').click(),
        ]);
        const pdf = path.join(OUT, "statement.pdf");
        await download.saveAs(pdf);
        log(`     printed ${download.suggestedFilename()}`);
        await page.locator(".modal-footer button", { hasText: "Close" }).click();
        check(!problems.length, `the account's history is incomplete:\n  - ${problems.join("\n  - ")}`);
    });

    await step("open Meters > Read Exceptions", async () => {
        await openMenu(
            "utility_billing.utility_meters_menu",
            "utility_billing.utility_reading_exception_menu",
        );
        await waitForTitle("Read Exceptions");
        const controller = page.locator(".o_action_manager > .o_view_controller");
        const { records, groups } = await recordCount(controller);
        const empty = await controller.locator(".o_view_nocontent").count();
        log(
            `     the review queue shows ${records} exception(s)` +
                (groups ? ` in ${groups} group(s)` : "") +
                (empty ? " (empty-queue help shown)" : ""),
        );
        // A grouped queue opens folded: unfold the first group so the
        // screenshot shows exceptions, as a clerk would.
        const folded = controller.locator(".o_group_header:not(.o_group_open)").first();
        if (records && !(await listRows(controller).count()) && (await folded.count())) {
            await folded.click();
            await listRows(controller).first().waitFor();
        }
        await settle();
        await page.screenshot({ path: path.join(OUT, "exception_queue.png"), fullPage: true });
        check(
            records >= MIN_EXCEPTIONS,
            `the Read Exceptions queue shows ${records} exception(s), expected at least ${MIN_EXCEPTIONS}`,
        );
    });

    const runs = await step("open Billing > Billing Runs", async () => {
        await openMenu(
            "utility_billing.utility_billing_menu",
            "utility_billing.utility_billing_run_menu",
        );
        await waitForTitle("Billing Runs");
        const list = await waitForController("list");
        const states = await list.locator('.o_data_row .o_data_cell[name="state"]').allInnerTexts();
        log(`     runs: ${states.map((s) => s.trim()).join(", ")}`);
        for (const wanted of ["Review", "Posted"]) {
            check(
                states.some((s) => s.trim() === wanted),
                `no ${wanted} run in the list (the demo town has one in review and one posted)`,
            );
        }
        return list;
    });

    await step("review the run in review: register per service and class", async () => {
        await listRows(runs)
            .filter({ has: page.locator('.o_data_cell[name="state"]', { hasText: "Review" }) })
            .first()
            .locator(".o_data_cell")
            .first()
            .click();
        const form = await waitForController("form");
        const register = form.locator('.o_field_widget[name="register_html"]');
        await register.locator("table").first().waitFor();
        const text = await register.innerText();
        const problems = [];
        for (const heading of ["Totals per service", "Totals per customer class"]) {
            if (!text.includes(heading)) problems.push(`the register has no "${heading}"`);
        }
        if (!/Water/.test(text)) problems.push("the register lists no Water total");
        const ready = Number.parseInt(
            ((await fieldText(form.locator(".o_inner_group"), "ok_count")) || "0").replace(
                /,/g,
                "",
            ),
            10,
        );
        if (!ready) problems.push("the run has no account ready to post");
        const post = form.locator('.o_form_statusbar button[name="action_post"]');
        if (!(await post.count())) problems.push('no "Post Bills" button on the run in review');
        log(`     ${ready} account(s) ready; register ${text.split("\n").length} lines`);
        await settle();
        await page.screenshot({ path: path.join(OUT, "billing_run_review.png"), fullPage: true });
        check(!problems.length, `the run review is incomplete:\n  - ${problems.join("\n  - ")}`);
    });

    await step("post the run in review through the job runner", async () => {
        // The clerk clicks Post Bills and confirms: the bills are posted by
        // queue_job jobs that the served Odoo's job runner takes, not in the
        // request. The form shows the run posting, then posted.
        const form = page.locator(".o_action_manager > .o_form_view");
        const ready = Number.parseInt(
            ((await fieldText(form.locator(".o_inner_group"), "ok_count")) || "0").replace(
                /,/g,
                "",
            ),
            10,
        );
        await form.locator('.o_form_statusbar button[name="action_post"]').click();
        await page.locator(".modal-footer button.btn-primary").click();
        const current = form.locator(".o_statusbar_status .o_arrow_button_current");
        const t0 = Date.now();
        let state = "";
        for (;;) {
            state = (await current.first().innerText()).trim();
            if (state === "Posted") break;
            const warning = form.locator('[name="job_warning"]:not(.d-none)');
            if (await warning.count()) {
                throw new CheckError(`the run waits on its jobs: ${await warning.innerText()}`);
            }
            check(
                Date.now() - t0 < 120000,
                `the run still shows "${state}" two minutes after Post Bills: no job runner?`,
            );
            await page.waitForTimeout(2000);
            await page.reload();
            await form.waitFor({ timeout: FIRST_LOAD_TIMEOUT });
        }
        const posted = Number.parseInt(
            ((await fieldText(form, "posted_count")) || "0").replace(/,/g, ""),
            10,
        );
        log(`     ${ready} ready account(s); the job runner posted ${posted} bill(s)`);
        check(posted === ready, `the run posted ${posted} bills, ${ready} were ready`);
        await settle();
        await page.screenshot({ path: path.join(OUT, "billing_run_posted.png"), fullPage: true });
    });

    await step("open a bill of the posted run from its Bills button", async () => {
        await page
            .locator(".o_action_manager .breadcrumb-item a", { hasText: "Billing Runs" })
            .click();
        const list = await waitForController("list");
        await listRows(list)
            .filter({ has: page.locator('.o_data_cell[name="state"]', { hasText: "Posted" }) })
            .first()
            .locator(".o_data_cell")
            .first()
            .click();
        const form = await waitForController("form");
        // The Bills smart button reads "80 Bills".
        const posted = Number.parseInt(
            ((await fieldText(form, "posted_count")) || "0").replace(/,/g, ""),
            10,
        );
        await form.locator(".oe_stat_button", { hasText: "Bills" }).click();
        const bills = await waitForController("list");
        const rows = await listRows(bills).count();
        check(rows > 0, "the run's Bills button opens no bill");
        // A list shows 80 rows a page: its pager counts them all.
        const pager = bills.locator(".o_pager_limit");
        const total = (await pager.count())
            ? Number.parseInt((await pager.first().innerText()).replace(/,/g, ""), 10)
            : rows;
        log(`     the run posted ${posted} bill(s); its Bills list holds ${total}`);
        check(total === posted, `the run's Bills list holds ${total} bills, the run ${posted}`);
        await listRows(bills).first().locator(".o_data_cell").first().click();
        const bill = await waitForController("form");
        const problems = [];
        for (const name of [
            "utility_account_id",
            "utility_location_id",
            "utility_billing_run_id",
        ]) {
            if (!(await fieldText(bill, name))) problems.push(`the bill shows no ${name}`);
        }
        // The service period is one date-range widget: its first and last day.
        const period =
            (
                await bill
                    .locator('.o_field_widget[name="utility_period_start"]')
                    .first()
                    .innerText()
                    .catch(() => "")
            ).match(/\d{1,2}\/\d{1,2}\/\d{4}/g) ?? [];
        if (period.length !== 2) {
            problems.push(`the service period shows "${period.join(" - ")}", expected two dates`);
        }
        const services = await bill
            .locator(
                '.o_field_widget[name="invoice_line_ids"] .o_data_cell[name="utility_service_type_id"]',
            )
            .allInnerTexts();
        if (!services.some((s) => s.trim())) problems.push("the bill's lines name no service");
        log(
            `     bill of ${await fieldText(bill, "utility_account_id")}, ` +
                `${period.join(" to ")}: ${services.join(", ")}`,
        );
        await settle();
        await page.screenshot({ path: path.join(OUT, "bill_form.png"), fullPage: true });
        check(!problems.length, `the bill form is incomplete:\n  - ${problems.join("\n  - ")}`);
    });

    // A crew member's phone: today's orders as cards, the order form fits the
    // screen and offers what the crew records.
    await step("work orders on a phone: the crew's cards for today", async () => {
        await page.setViewportSize({ width: 390, height: 844 });
        await page.goto(`${BASE}/odoo/action-utility_billing.utility_work_order_action_my`);
        const kanban = await waitForController("kanban");
        const cards = kanban.locator(".o_kanban_record:not(.o_kanban_ghost)");
        await cards
            .first()
            .waitFor({ timeout: TIMEOUT })
            .catch(() => {
                throw new CheckError("the crew's My Orders shows no order for today");
            });
        log(`     ${await cards.count()} order(s) to do today`);
        const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
        );
        check(overflow <= 1, `the phone page scrolls sideways by ${overflow}px`);
        await settle();
        await page.screenshot({ path: path.join(OUT, "work_orders_phone.png"), fullPage: true });
        await cards.first().click();
    });

    await step("an order on the phone: result, reading, photo and Complete", async () => {
        const form = await waitForController("form");
        const problems = [];
        for (const name of ["type", "premise_id", "result", "photo", "crew_note"]) {
            if (!(await form.locator(`.o_field_widget[name="${name}"]`).count()))
                problems.push(`no field ${name}`);
        }
        const complete = form.locator('button[name="action_try_complete"]');
        if (!(await complete.isVisible())) problems.push("no Complete button");
        const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
        );
        if (overflow > 1) problems.push(`the form scrolls sideways by ${overflow}px`);
        log(`     ${await fieldText(form, "type")} at ${await fieldText(form, "premise_id")}`);
        await settle();
        await page.screenshot({
            path: path.join(OUT, "work_order_phone_form.png"),
            fullPage: true,
        });
        await failOnErrorDialog();
        check(!problems.length, `the phone form is incomplete:\n  - ${problems.join("\n  - ")}`);
    });

    await step("make a bank deposit of the closed drawers", async () => {
        // Back at the office's desk after the phone steps.
        await page.setViewportSize({ width: 1600, height: 1000 });
        await page.goto(`${BASE}/odoo/action-utility_billing.utility_deposit_action`);
        await waitForTitle("Bank Deposits");
        await waitForController("list");
        await page.locator(".o_list_button_add").click();
        const form = await waitForController("form");
        await form.locator('.o_form_statusbar button[name="action_load_sessions"]').click();
        const sessions = form.locator('.o_field_widget[name="session_ids"] .o_data_row');
        await sessions.first().waitFor({ timeout: TIMEOUT });
        const count = await sessions.count();
        const name = await fieldText(form, "name");
        log(`     deposit ${name} holds ${count} closed drawer(s)`);
        check(count > 0, "Add Closed Sessions added no drawer");
        // The sessions list links closed drawers: its Add opens a picker, not a new session.
        const add = form.locator('.o_field_widget[name="session_ids"] .o_field_x2many_list_row_add a');
        if (await add.count()) {
            await add.first().click();
            const picker = page.locator(".modal .o_list_view");
            await picker.waitFor({ timeout: TIMEOUT });
            const title = (await page.locator(".modal .modal-title").first().innerText()).trim();
            check(!/^Create/.test(title), `the sessions list's Add opens "${title}"`);
            await page.locator(".modal .btn-close").first().click();
        }
        await settle();
        await page.screenshot({ path: path.join(OUT, "deposit.png"), fullPage: true });
    });

    log(`all checks passed; screenshots in ${OUT}`);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    process.exit(0);
} catch (err) {
    const shot = path.join(OUT, "failure.png");
    let where = "";
    if (page) {
        where = `\n  page: ${page.url()}`;
        await page.screenshot({ path: shot, fullPage: true }).then(
            () => (where += `\n  screenshot: ${shot}`),
            () => {},
        );
    }
    const message = err instanceof CheckError ? err.message : String(err.stack || err);
    console.error(`[browser] FAILED at step "${current}":\n${message}${where}`);
    await context?.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
    process.exit(1);
}
