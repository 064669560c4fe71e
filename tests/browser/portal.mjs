// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// The customer portal as the demo town's customer sees it: log in as
// demo_portal, /my (the Utility Accounts entry and its count), the accounts
// list and the first account's page (balance, bills, payments, usage chart,
// statement, paperless and autopay forms). Screenshots go to --out.
//
//   node tests/browser/portal.mjs --url http://127.0.0.1:8069 --out test-output
//
// Options: --login/--password (demo_portal/demo_portal), --chromium
// (/usr/bin/chromium). Exits 1 with the failed step and a failure screenshot.

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values: opts } = parseArgs({
    options: {
        url: { type: "string" },
        out: { type: "string", default: "test-output" },
        login: { type: "string", default: "demo_portal" },
        password: { type: "string", default: "demo_portal" },
        chromium: { type: "string", default: "/usr/bin/chromium" },
        timeout: { type: "string", default: "60000" },
    },
});
if (!opts.url) {
    console.error("usage: portal.mjs --url http://127.0.0.1:PORT [--out DIR]");
    process.exit(2);
}
const BASE = opts.url.replace(/\/+$/, "");
const OUT = path.resolve(opts.out);
const TIMEOUT = Number(opts.timeout);
mkdirSync(OUT, { recursive: true });
const profile = mkdtempSync(path.join(tmpdir(), "ub-portal-"));
const context = await chromium.launchPersistentContext(profile, {
    executablePath: opts.chromium,
    headless: true,
    viewport: { width: 1280, height: 900 },
});
const page = context.pages()[0] || (await context.newPage());
page.setDefaultTimeout(TIMEOUT);
let step = "start";

async function shot(name) {
    await page.screenshot({ path: path.join(OUT, name), fullPage: true });
    console.log(`screenshot ${name}`);
}

try {
    step = "log in";
    await page.goto(`${BASE}/web/login`);
    await page.fill("#login", opts.login);
    await page.fill("#password", opts.password);
    await page.click("form.oe_login_form button[type=submit]");
    await page.waitForURL(/\/my/);

    step = "/my: the Utility Accounts entry with its count";
    await page.goto(`${BASE}/my`);
    const entry = page.locator('.o_portal_index_card a[href="/my/utility/accounts"]');
    await entry.waitFor({ state: "visible" });
    await shot("portal_home.png");

    step = "the accounts list";
    await entry.click();
    await page.waitForURL(/\/my\/utility\/accounts$/);
    const links = page.locator('a[href^="/my/utility/accounts/"]');
    if ((await links.count()) < 1) throw new Error("no account in the list");
    await shot("portal_accounts.png");

    step = "an account's page";
    await links.first().click();
    await page.locator(".o_utility_balance").waitFor();
    for (const text of ["Open Bills", "Recent Bills", "Payments Received", "Usage"]) {
        await page.getByRole("heading", { name: text, exact: true }).waitFor();
    }
    if ((await page.locator("tr.o_utility_recent_bill").count()) < 1) {
        throw new Error("the account's page lists no bill");
    }
    if ((await page.locator("tr.o_utility_payment").count()) < 1) {
        throw new Error("the account's page lists no payment");
    }
    await page.locator("svg.o_utility_usage_chart").first().waitFor();
    await shot("portal_account.png");

    step = "the bill's PDF";
    const href = await page.locator("tr.o_utility_recent_bill a").first().getAttribute("href");
    const pdf = await page.request.get(`${BASE}${href}`);
    if (pdf.headers()["content-type"] !== "application/pdf") {
        throw new Error(`the bill's link gave ${pdf.headers()["content-type"]}`);
    }

    step = "a wrong routing number";
    await page.fill("#routing", "071000014");
    await page.fill("#acc_number", "123456789");
    await page.fill("#acc_number_confirm", "123456789");
    await page.check("#authorize");
    await page.click("form.o_utility_autopay_form button[type=submit]");
    await page.locator(".alert-danger").waitFor();
    await shot("portal_autopay_refused.png");
    console.log("portal: ok");
} catch (error) {
    console.error(`portal: FAILED at "${step}" on ${page.url()}: ${error.message}`);
    await page.screenshot({ path: path.join(OUT, "portal_failure.png"), fullPage: true });
    process.exitCode = 1;
} finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
}
