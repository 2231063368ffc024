import { expect, test } from "@playwright/test";
import { api, apiToken, hydrated, signIn, unique, watchProblems } from "./helpers";

/** The problems, without the browser's own line for a refused request (a test provokes a 422). */
const real = (problems: string[]) => problems.filter((p) => !p.includes("Failed to load resource"));

test("a producer imports actors: the dry run shows a problem, the fixed file a preview, then the rows", async ({ page }) => {
  const problems = watchProblems(page);
  const tag = unique("Sheet").replace(/\s/g, "");
  await signIn(page, "producer");
  await page.goto("/actors");
  await hydrated(page);
  await page.getByRole("link", { name: "Import CSV" }).click();
  await expect(page).toHaveURL(/\/import\/actors$/);
  await expect(page.getByRole("heading", { name: "Import actors" })).toBeVisible();
  await hydrated(page);

  const bad = `name;age;gender;agent\n${tag} One;30;female;X\n${tag} Two;old;male;Y\n`;
  await page.getByLabel("CSV file").setInputFiles({ name: "roster.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  await page.getByRole("button", { name: "Check the file" }).click();
  await expect(page.getByRole("alert")).toContainText("1 problem found in 2 rows; nothing was added");
  const problemsTable = page.getByRole("table", { name: "Problems" });
  await expect(problemsTable.getByRole("row").nth(1)).toContainText("3");
  await expect(problemsTable.getByRole("row").nth(1)).toContainText("age");
  await expect(page.getByText("Ignored columns: agent.")).toBeVisible();
  await expect(page.getByRole("button", { name: /^Import / })).toHaveCount(0);

  const good = `\uFEFFname,age,gender\n${tag} One,30,female\n"${tag} Two, Jr.",41,male\n`;
  await page.getByLabel("CSV file").setInputFiles({ name: "roster.csv", mimeType: "text/csv", buffer: Buffer.from(good) });
  await page.getByRole("button", { name: "Check the file" }).click();
  await expect(page.getByText("All 2 actors are ready to add.")).toBeVisible();
  const preview = page.getByRole("table", { name: /as they will be added/ });
  await expect(preview).toContainText(`${tag} Two, Jr.`);
  // Nothing is written by the check.
  const before = await api(page.request, "assistant", "GET", `/actors?q=${encodeURIComponent(tag)}`);
  expect(before.body.all_actors).toBe(0);

  await page.getByRole("button", { name: "Import 2 actors" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Imported 2 actors." })).toBeVisible();
  const after = await api(page.request, "assistant", "GET", `/actors?q=${encodeURIComponent(tag)}`);
  expect(after.body.all_actors).toBe(2);

  // One Undo for the whole import: both go to the trash.
  await page.getByRole("button", { name: "Undo this import" }).click();
  await expect(page.locator(".toast, [aria-live]").filter({ hasText: "Undone: the 2 actors are in the trash." }).first()).toBeVisible();
  const undone = await api(page.request, "assistant", "GET", `/actors?q=${encodeURIComponent(tag)}`);
  expect(undone.body.all_actors).toBe(0);
  expect(real(problems)).toEqual([]);
});

test("Export CSV keeps the search and the sort of the list", async ({ page }) => {
  const tag = unique("Export").replace(/\s/g, "");
  for (const [name, age] of [[`${tag} B`, 20], [`${tag} A`, 50], [`=${tag} formula`, 35]] as const) {
    await api(page.request, "producer", "POST", "/actors", { name, age, gender: "female" });
  }
  await api(page.request, "producer", "POST", "/actors", { name: unique("Other"), age: 33, gender: "male" });
  await signIn(page, "assistant");
  await page.goto(`/actors?q=${encodeURIComponent(tag)}&sort=-age`);
  await hydrated(page);
  const link = page.getByRole("link", { name: "Export CSV" });
  await expect(link).toHaveAttribute("href", new RegExp(`q=${tag}.*sort=-age.*format=csv`));
  await expect(page.getByRole("link", { name: "Import CSV" })).toHaveCount(0);
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^actors-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = (await import("node:fs")).readFileSync(await download.path(), "utf8");
  const lines = text.replace(/^\uFEFF/, "").trim().split("\r\n");
  expect(lines[0]).toBe("id,name,age,gender");
  expect(lines.slice(1).map((l) => l.split(",")[1])).toEqual([`${tag} A`, `'=${tag} formula`, `${tag} B`]);
});

test("a director selects actors, deletes them in one confirmed step, and one Undo brings them back", async ({ page }) => {
  const problems = watchProblems(page);
  const tag = unique("Bulk").replace(/\s/g, "");
  const ids: number[] = [];
  for (const n of [1, 2, 3]) {
    ids.push((await api(page.request, "producer", "POST", "/actors", { name: `${tag} ${n}`, age: 30 + n, gender: "male" })).body.created);
  }
  await signIn(page, "director");
  await page.goto(`/actors?q=${encodeURIComponent(tag)}`);
  await hydrated(page);
  await page.getByRole("checkbox", { name: `Select ${tag} 1` }).check();
  await page.getByRole("checkbox", { name: `Select ${tag} 3` }).check();
  const bar = page.getByRole("region", { name: "Selected rows" });
  await expect(bar).toContainText("2 actors selected");
  await bar.getByRole("button", { name: "Delete selected…" }).click();
  await expect(bar.getByRole("alert")).toContainText("Delete 2 actors?");
  await bar.getByRole("button", { name: "Delete 2 actors" }).click();
  await expect(page.getByText("Deleted 2 actors.")).toBeVisible();
  await expect(page.locator(`tr[data-actor-id="${ids[0]}"]`)).toHaveCount(0);
  await expect(page.locator(`tr[data-actor-id="${ids[1]}"]`)).toHaveCount(1);
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.getByText("Restored 2 actors.")).toBeVisible();
  await expect(page.locator(`tr[data-actor-id="${ids[0]}"]`)).toHaveCount(1);
  await expect(page.locator(`tr[data-actor-id="${ids[2]}"]`)).toHaveCount(1);

  // Select all matching, then clear.
  await page.getByRole("checkbox", { name: `Select ${tag} 2` }).check();
  await expect(bar).toContainText("1 actor selected");
  await bar.getByRole("button", { name: "Clear selection" }).click();
  await expect(bar).toHaveCount(0);
  expect(real(problems)).toEqual([]);
});

test("a director casts several actors at once, each with an optional character", async ({ page }) => {
  const problems = watchProblems(page);
  const tag = unique("Ensemble").replace(/\s/g, "");
  const movie = (await api(page.request, "producer", "POST", "/movies", { title: unique("Ensemble film"), release_date: "2022-02-02" })).body.created_id;
  for (const n of [1, 2]) {
    await api(page.request, "producer", "POST", "/actors", { name: `${tag} ${n}`, age: 40 + n, gender: "female" });
  }
  await signIn(page, "director");
  await page.goto(`/movies/${movie}`);
  await hydrated(page);
  await page.getByText("Cast several at once").click();
  await page.getByLabel("Find actors").fill(tag);
  await page.getByRole("checkbox", { name: new RegExp(`${tag} 1`) }).check();
  await page.getByRole("checkbox", { name: new RegExp(`${tag} 2`) }).check();
  await page.getByLabel(`Character for ${tag} 1 (optional)`).fill("Captain");
  await page.getByRole("button", { name: "Cast 2 actors" }).click();
  await expect(page.getByText(`Cast 2 actors: ${tag} 1, ${tag} 2.`)).toBeVisible();
  const cast = page.locator("ul.cast");
  await expect(cast).toContainText(`${tag} 1`);
  await expect(cast).toContainText("as Captain");
  await expect(cast).toContainText(`${tag} 2`);
  expect(real(problems)).toEqual([]);
});

test("an import is one line of the Activity, undone from there as a whole", async ({ page }) => {
  const problems = watchProblems(page);
  const tag = unique("Batch").replace(/\s/g, "");
  const token = await apiToken(page.request, "director");
  const csv = `name,age,gender\n${tag} A,30,female\n${tag} B,31,male\n${tag} C,32,female\n`;
  const imported = await page.request.post("/actors/import", {
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/csv" },
    data: csv,
  });
  expect(imported.status()).toBe(200);
  await signIn(page, "director");
  await page.goto("/activity");
  await hydrated(page);
  const line = page.locator("li.batch").filter({ hasText: "imported 3 actors" }).filter({ hasText: tag });
  await expect(line).toBeVisible();
  await line.getByText("Show the 3 changes").click();
  await expect(line.getByRole("link", { name: `“${tag} B”` })).toBeVisible();
  await line.getByRole("button", { name: "Undo: imported 3 actors" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Undone: 3 actors moved to the trash." })).toBeVisible();
  const after = await api(page.request, "assistant", "GET", `/actors?q=${encodeURIComponent(tag)}`);
  expect(after.body.all_actors).toBe(0);
  // The undo is a line of its own, with its own Undo: the three come back.
  const undo = page.locator("li.batch").filter({ hasText: "deleted 3 actors together" }).filter({ hasText: tag });
  await undo.getByRole("button", { name: "Undo: deleted 3 actors together" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Undone: 3 actors restored." })).toBeVisible();
  const back = await api(page.request, "assistant", "GET", `/actors?q=${encodeURIComponent(tag)}`);
  expect(back.body.all_actors).toBe(3);
  expect(real(problems)).toEqual([]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a batch's Undo on the Activity page is a plain form", async ({ page }) => {
    const tag = unique("NoJsBatch").replace(/\s/g, "");
    const token = await apiToken(page.request, "director");
    const imported = await page.request.post("/actors/import", {
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/csv" },
      data: `name,age,gender\n${tag} A,30,female\n${tag} B,31,male\n`,
    });
    expect(imported.status()).toBe(200);
    await signIn(page, "director");
    await page.goto("/activity");
    const line = page.locator("li.batch").filter({ hasText: "imported 2 actors" }).filter({ hasText: tag });
    await line.getByRole("button", { name: "Undo: imported 2 actors" }).click();
    await expect(page).toHaveURL(/\/activity/);
    const after = await api(page.request, "assistant", "GET", `/actors?q=${encodeURIComponent(tag)}`);
    expect(after.body.all_actors).toBe(0);
    await expect(page.locator("li.batch").filter({ hasText: "deleted 2 actors together" }).filter({ hasText: tag })).toBeVisible();
  });
});
