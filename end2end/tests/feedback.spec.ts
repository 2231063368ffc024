import { expect, test } from "@playwright/test";
import { api, hydrated, signIn, unique, watchProblems } from "./helpers";

/** The problems, without the browser's own line for a refused request (these tests provoke
 *  422s on purpose). */
const real = (problems: string[]) => problems.filter((p) => !p.includes("Failed to load resource"));

test("the cast picker chooses nobody by itself; submitting without a choice is a field error", async ({ page, request }) => {
  const problems = watchProblems(page);
  const movie = (await api(request, "producer", "POST", "/movies", { title: unique("Picker"), release_date: "2020-01-01" })).body.created_id;
  await api(request, "producer", "POST", "/actors", { name: unique("Anybody"), age: 30, gender: "female" });
  await signIn(page, "producer");
  await page.goto(`/movies/${movie}`);
  await hydrated(page);
  await expect(page.locator("#cast-actor option").nth(1)).toBeAttached();
  await expect(page.locator("#cast-actor")).toHaveValue("");
  await page.getByRole("button", { name: "Add to cast" }).click();
  await expect(page.locator("#cast-actor-error")).toHaveText("Choose an actor to cast.");
  await expect(page.locator("#cast-actor")).toHaveAttribute("aria-invalid", "true");
  expect((await api(request, "assistant", "GET", `/movies/${movie}/actors`)).body.total).toBe(0);
  expect(real(problems)).toEqual([]);
});

test("picking someone already cast says so and never erases their character", async ({ page, request }) => {
  const problems = watchProblems(page);
  const movie = (await api(request, "producer", "POST", "/movies", { title: unique("Twelfth Night"), release_date: "2020-01-01" })).body.created_id;
  const name = unique("Ann");
  const actor = (await api(request, "producer", "POST", "/actors", { name, age: 30, gender: "female" })).body.created;
  await api(request, "director", "PUT", `/movies/${movie}/actors/${actor}`, { character: "Olivia" });
  const character = async () => (await api(request, "assistant", "GET", `/movies/${movie}/actors`)).body.actors[0].character;

  await signIn(page, "director");
  await page.goto(`/movies/${movie}`);
  await hydrated(page);
  await page.getByLabel("Find an actor").fill(name);
  await expect(page.locator("#cast-actor option").nth(1)).toHaveText(`${name} (30) · in the cast as Olivia`);
  await page.locator("#cast-actor").selectOption(String(actor));
  await expect(page.locator("#cast-actor-hint")).toContainText("Already in the cast as Olivia");
  await expect(page.getByRole("button", { name: "Change character" }).last()).toBeVisible();

  // An empty Character is refused, not stored as "no character".
  await page.locator("form.form-row").last().getByRole("button", { name: "Change character" }).click();
  await expect(page.locator("#cast-character-error")).toContainText(`${name} is already in the cast as Olivia`);
  expect(await character()).toBe("Olivia");

  // A new character replaces it, and the notice says so.
  await page.locator("#cast-character").fill("Viola");
  await page.locator("form.form-row").last().getByRole("button", { name: "Change character" }).click();
  await expect(page.getByRole("status")).toContainText(`${name} now plays Viola.`);
  await expect(page.locator("ul.cast li", { hasText: name })).toContainText("as Viola");
  expect(await character()).toBe("Viola");

  // Clearing it is a deliberate act on the cast row.
  const row = page.locator("ul.cast li", { hasText: name });
  await row.getByText("Change character").click();
  await row.getByLabel("Character (empty clears it)").fill("");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toContainText(`${name} no longer has a character.`);
  expect(await character()).toBeNull();
  expect(real(problems)).toEqual([]);
});

test("every change is announced, with a link when the new row is hidden by the search", async ({ page }) => {
  const problems = watchProblems(page);
  await signIn(page, "director");
  const filter = unique("Filter");
  await page.goto(`/actors?q=${encodeURIComponent(filter)}`);
  await hydrated(page);
  const status = page.getByRole("status");
  const name = unique("Newcomer");
  await page.getByLabel("Name").first().fill(name);
  await page.getByLabel("Age").first().fill("22");
  await page.getByLabel("Gender").first().fill("male");
  await page.getByRole("button", { name: "Add actor" }).click();
  await expect(status).toContainText(`Added “${name}”.`);
  await expect(page.locator("tr", { hasText: name })).toHaveCount(0);
  await status.getByRole("link", { name: `Open ${name}` }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);

  // Edit and delete are announced too.
  await page.goto(`/actors?q=${encodeURIComponent(name)}`);
  await hydrated(page);
  const row = page.locator("tr", { hasText: name });
  await row.getByRole("link", { name: "Edit", exact: true }).click();
  await row.getByLabel("Age").fill("23");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(status).toContainText(`Saved the changes to “${name}”.`);
  await row.getByRole("link", { name: "Delete" }).click();
  await row.getByRole("button", { name: "Confirm delete" }).click();
  await expect(status).toContainText(`Deleted “${name}”.`);
  expect(real(problems)).toEqual([]);
});

test("a server or network failure is not blamed on the form, and what was typed stays", async ({ page, context }) => {
  await signIn(page, "director");
  await page.goto("/actors");
  await hydrated(page);
  const name = unique("Kept");
  await page.getByLabel("Name").first().fill(name);
  await page.getByLabel("Age").first().fill("40");
  await page.getByLabel("Gender").first().fill("female");

  // A proxy's 502 page.
  await page.route("**/api/actors/create", (route) =>
    route.fulfill({ status: 502, contentType: "text/html", body: "<h1>502 Bad Gateway</h1>" }),
  );
  await page.getByRole("button", { name: "Add actor" }).click();
  const alert = page.locator("details.add-panel p.error");
  await expect(alert).toHaveText(/^The server could not save this\./);
  await expect(alert).not.toContainText("check the values");
  await expect(page.getByLabel("Name").first()).toHaveValue(name);

  // No network at all.
  await page.unroute("**/api/actors/create");
  await context.setOffline(true);
  await page.getByRole("button", { name: "Add actor" }).click();
  await expect(alert).toHaveText(/^You are offline\./);
  await expect(page.getByLabel("Age").first()).toHaveValue("40");
  await context.setOffline(false);
});

test("the row editor keeps the columns still, and gives the focus back to the row", async ({ page, request }) => {
  const name = unique("Still");
  await api(request, "director", "POST", "/actors", { name, age: 50, gender: "male" });
  await signIn(page, "director");
  await page.goto(`/actors?q=${encodeURIComponent(name)}`);
  await hydrated(page);
  const widths = () => page.locator("table.data thead th").evaluateAll((ths) => ths.map((th) => Math.round(th.getBoundingClientRect().width)));
  const before = await widths();
  const row = page.locator("tr", { hasText: name });
  await row.getByRole("link", { name: "Edit", exact: true }).click();
  await expect(row.getByLabel("Name")).toBeFocused();
  expect(await widths()).toEqual(before);
  await row.getByRole("link", { name: "Cancel" }).click();
  await expect(row.getByRole("link", { name: "Edit", exact: true })).toBeFocused();
  await row.getByRole("link", { name: "Delete" }).click();
  // Cancel stays beside Confirm.
  const confirm = await row.getByRole("button", { name: "Confirm delete" }).boundingBox();
  const cancel = await row.getByRole("link", { name: "Cancel" }).boundingBox();
  expect(Math.abs(confirm!.y - cancel!.y)).toBeLessThan(4);
  expect(cancel!.x).toBeGreaterThan(confirm!.x + confirm!.width);
  expect(await widths()).toEqual(before);
  await row.getByRole("link", { name: "Cancel" }).click();
  await expect(row.getByRole("link", { name: "Delete" })).toBeFocused();
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("rows are cards with labelled values and buttons far enough apart to tap", async ({ page, request }) => {
    const name = unique("Phone");
    await api(request, "director", "POST", "/actors", { name, age: 29, gender: "female" });
    await signIn(page, "director");
    await page.goto(`/actors?q=${encodeURIComponent(name)}`);
    await hydrated(page);
    const row = page.locator("tr", { hasText: name });
    const label = await row.locator("td[data-label='Age']").evaluate((td) => getComputedStyle(td, "::before").content);
    expect(label).toBe('"Age"');
    const edit = (await row.getByRole("link", { name: "Edit", exact: true }).boundingBox())!;
    const del = (await row.getByRole("link", { name: "Delete" }).boundingBox())!;
    expect(edit.height).toBeGreaterThanOrEqual(44);
    expect(del.height).toBeGreaterThanOrEqual(44);
    const apart = Math.max(del.x - (edit.x + edit.width), del.y - (edit.y + edit.height));
    expect(apart).toBeGreaterThanOrEqual(8);

    // The add form waits behind its button.
    await expect(page.getByLabel("Name")).toBeHidden();
    await page.locator("summary", { hasText: "Add actor" }).click();
    await expect(page.getByLabel("Name")).toBeVisible();
  });
});

test("what is typed before the WASM arrives is kept when the page hydrates", async ({ page }) => {
  await signIn(page, "assistant");
  // Hold the WASM back until the search box has been typed into.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/pkg/*.wasm", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto("/actors", { waitUntil: "domcontentloaded" });
  await page.getByRole("searchbox", { name: "Search actors" }).fill("typed early");
  release();
  await hydrated(page);
  await expect(page.getByRole("searchbox", { name: "Search actors" })).toHaveValue("typed early");
});

test("a record's page shows its history: who, what, and each field's change", async ({ page, request }) => {
  const name = unique("Chronicled");
  const actor = (await api(request, "director", "POST", "/actors", { name, age: 34, gender: "female" })).body.created;
  await api(request, "director", "PATCH", `/actors/${actor}`, { age: 35 });
  const title = unique("Annals");
  const movie = (await api(request, "producer", "POST", "/movies", { title, release_date: "2021-03-03" })).body.created_id;
  await api(request, "director", "PUT", `/movies/${movie}/actors/${actor}`, { character: "Narrator" });

  await signIn(page, "assistant");
  await page.goto(`/actors/${actor}`);
  const history = page.locator("section", { has: page.getByRole("heading", { name: "History" }) });
  const items = history.locator("ol.history > li");
  await expect(items).toHaveCount(3);
  await expect(items.nth(0)).toContainText(`cast ${name} as Narrator in ${title}`);
  await expect(items.nth(1)).toContainText("Casting Director (local sign-in) changed the actor");
  await expect(items.nth(1).locator("ul.field-changes")).toHaveText("age: 34 → 35");
  await expect(items.nth(2)).toContainText("added the actor");
  await page.goto(`/movies/${movie}`);
  await expect(page.locator("ol.history > li").first()).toContainText(`cast ${name} as Narrator`);
});

test("the Activity page lists changes newest first, each naming and linking its record", async ({ page, request }) => {
  const name = unique("Active");
  const actor = (await api(request, "director", "POST", "/actors", { name, age: 22, gender: "male" })).body.created;
  await api(request, "director", "PATCH", `/actors/${actor}`, { age: 23 });
  await signIn(page, "assistant");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Activity" }).click();
  await expect(page).toHaveURL(/\/activity$/);
  await expect(page).toHaveTitle(/^Activity/);
  const items = page.locator("ol.history > li");
  await expect(items.nth(0)).toContainText(`changed the actor “${name}”`);
  await expect(items.nth(0).locator("ul.field-changes")).toHaveText("age: 22 → 23");
  await expect(items.nth(1)).toContainText(`added the actor “${name}”`);
  await items.nth(0).getByRole("link", { name: `“${name}”` }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
});

test.describe("in Tokyo", () => {
  test.use({ timezoneId: "Asia/Tokyo", locale: "en-GB" });

  test("change times are shown in the reader's time zone once the page is live", async ({ page, request }) => {
    const name = unique("Zoned");
    const actor = (await api(request, "director", "POST", "/actors", { name, age: 40, gender: "female" })).body.created;
    await signIn(page, "assistant");
    await page.goto(`/actors/${actor}`);
    await hydrated(page);
    const time = page.locator("ol.history time").first();
    const at = (await time.getAttribute("datetime"))!;
    const expected = new Date(at).toLocaleString("en-GB", { timeZone: "Asia/Tokyo", dateStyle: "medium", timeStyle: "short" });
    await expect(time).toHaveText(expected);
    await expect(time).not.toContainText("UTC");
  });
});
