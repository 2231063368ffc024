import { expect, test } from "@playwright/test";
import { api, hydrated, signIn, unique, watchProblems } from "./helpers";

test("the home page hydrates without errors", async ({ page }) => {
  const problems = watchProblems(page);
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Casting Agency" })).toBeVisible();
  await hydrated(page);
  // Client-side navigation works once hydrated.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Actors" }).click();
  await expect(page.getByRole("heading", { name: "Actors" })).toBeVisible();
  expect(problems).toEqual([]);
});

test("API clients get JSON on the same paths a browser gets pages", async ({ request }) => {
  const home = await request.get("/", { headers: { Accept: "application/json" } });
  expect(await home.json()).toEqual({ success: true, home_route: true });

  const actors = await request.get("/actors", { headers: { Accept: "*/*" } });
  expect(actors.status()).toBe(401);
  expect((await actors.json()).code).toBe("authorization_header_missing");
});

test("a page whose code is still loading shows a progress bar, then the page", async ({ page }) => {
  const problems = watchProblems(page);
  await signIn(page, "producer");
  await page.goto("/actors");
  await hydrated(page);
  // The movie list's code is a lazily loaded chunk (src/app/routes.rs); hold it back a while,
  // as a slow network would.
  let delayed = 0;
  await page.route(/\/pkg\/split_[^/]*movies_route[^/]*\.wasm$/, async (route) => {
    delayed += 1;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Movies" }).click();
  const progress = page.getByRole("status").filter({ hasText: "Loading the page…" });
  await expect(progress).toBeVisible();
  // Until the code is there, the old page stays.
  await expect(page.getByRole("heading", { name: "Actors", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Movies", level: 1 })).toBeVisible({ timeout: 10_000 });
  await expect(progress).toHaveCount(0);
  expect(delayed).toBe(1);
  expect(problems).toEqual([]);
});

test("what the actor list needs only on a click (editor, delete, bulk bar) loads when first used", async ({ page }) => {
  const problems = watchProblems(page);
  const name = unique("OnDemand");
  const id = (await api(page.request, "producer", "POST", "/actors", { name, age: 33, gender: "female" })).body.created;
  // Each is a chunk of its own (`#[lazy]`, cargo leptos --split); hold them back a while, as
  // a slow network would, and count who asks for them.
  const asked: string[] = [];
  await page.route(/\/pkg\/split_(actor_editor|actor_delete_form|bulk_bar)_[^/]*\.wasm$/, async (route) => {
    asked.push(route.request().url().match(/split_([a-z_]+?)_\d/)![1]);
    await new Promise((resolve) => setTimeout(resolve, 800));
    await route.continue();
  });
  await signIn(page, "producer");
  await page.goto(`/actors?q=${encodeURIComponent(name)}`);
  await hydrated(page);
  expect(asked).toEqual([]);

  const row = page.locator(`tr[data-actor-id="${id}"]`);
  await row.getByRole("link", { name: "Edit", exact: true }).click();
  // Feedback at once, the editor when its code is there.
  await expect(row.getByText("Opening the editor…")).toBeVisible();
  await expect(row.getByLabel("Name")).toHaveValue(name, { timeout: 10_000 });
  await row.getByRole("link", { name: "Cancel" }).click();
  await row.getByRole("link", { name: "Delete", exact: true }).click();
  await expect(row.getByRole("button", { name: "Confirm delete" })).toBeVisible({ timeout: 10_000 });
  await row.getByRole("link", { name: "Cancel" }).click();
  await row.getByRole("checkbox", { name: `Select ${name}` }).check();
  await expect(page.getByRole("region", { name: "Selected rows" })).toContainText("1 actor selected", { timeout: 10_000 });
  expect(asked).toEqual(["actor_editor", "actor_delete_form", "bulk_bar"]);
  expect(problems).toEqual([]);
});

test("a row opened for editing by its address is editable once the page is live", async ({ page }) => {
  const problems = watchProblems(page);
  const name = unique("OpenedEditor");
  const id = (await api(page.request, "producer", "POST", "/actors", { name, age: 41, gender: "male" })).body.created;
  await signIn(page, "director");
  // Rendered by the server with the editor open (its chunk preloaded), then hydrated.
  await page.goto(`/actors?q=${encodeURIComponent(name)}&edit=${id}`);
  const row = page.locator(`tr[data-actor-id="${id}"]`);
  await expect(row.getByLabel("Name")).toHaveValue(name);
  await hydrated(page);
  await row.getByLabel("Age").fill("42");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText(`Saved the changes to “${name}”.`)).toBeVisible();
  await expect(row).toContainText("42");
  expect(problems).toEqual([]);
});
