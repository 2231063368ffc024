import { expect, test } from "@playwright/test";
import { api, hydrated, signIn, unique, watchProblems } from "./helpers";

/** The problems, without the browser's own line for a refused request (a conflict is a 412
 *  on purpose). */
const real = (problems: string[]) => problems.filter((p) => !p.includes("Failed to load resource"));

test("an edit that lost a race says so, keeps what was typed, and re-applies only that", async ({ page, request }) => {
  const problems = watchProblems(page);
  const name = unique("Racer");
  const id = (await api(request, "producer", "POST", "/actors", { name, age: 40, gender: "female" })).body.created;
  await signIn(page, "director");
  await page.goto(`/actors?q=${encodeURIComponent(name)}`);
  await hydrated(page);
  const row = page.locator("tr", { hasText: name });
  await row.getByRole("link", { name: "Edit", exact: true }).click();
  const age = page.locator(`#actor-${id}-age`);
  await age.fill("41");

  // Someone else saves first.
  await api(request, "producer", "PATCH", `/actors/${id}`, { gender: "non-binary" });
  await page.getByRole("button", { name: "Save" }).click();
  const conflict = page.locator(".conflict");
  await expect(conflict).toContainText("Someone else changed this actor while you were editing it.");
  await expect(conflict).toContainText("gender “non-binary”");
  await expect(age).toHaveValue("41");
  expect((await api(request, "assistant", "GET", `/actors/${id}`)).body.actor.age).toBe(40);

  // Re-applying applies the person's change over theirs, and keeps theirs.
  await page.getByRole("button", { name: "Apply my changes" }).click();
  await expect(page.getByRole("status")).toContainText(`Saved the changes to “${name}”.`);
  const now = (await api(request, "assistant", "GET", `/actors/${id}`)).body.actor;
  expect(now).toMatchObject({ age: 41, gender: "non-binary", version: 3 });
  expect(real(problems)).toEqual([]);
});

test("discarding after a conflict shows the current values", async ({ page, request }) => {
  const title = unique("Contested");
  const id = (await api(request, "producer", "POST", "/movies", { title, release_date: "2020-01-01" })).body.created_id;
  await signIn(page, "producer");
  await page.goto(`/movies?q=${encodeURIComponent(title)}`);
  await hydrated(page);
  await page.locator("tr", { hasText: title }).getByRole("link", { name: "Edit", exact: true }).click();
  await page.locator(`#movie-${id}-title`).fill(`${title} (mine)`);
  await api(request, "producer", "PATCH", `/movies/${id}`, { title: `${title} (theirs)` });
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator(".conflict")).toContainText(`title “${title} (theirs)”`);
  await page.getByRole("link", { name: "Discard my changes" }).click();
  await expect(page.locator("tr", { hasText: `${title} (theirs)` })).toBeVisible();
  await expect(page.locator(".conflict")).toHaveCount(0);
  // Discarded for good: opening the editor again shows theirs, with no conflict.
  await page.locator("tr", { hasText: `${title} (theirs)` }).getByRole("link", { name: "Edit", exact: true }).click();
  await expect(page.locator(`#movie-${id}-title`)).toHaveValue(`${title} (theirs)`);
  await expect(page.locator(".conflict")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Save" })).toBeVisible();
  expect((await api(request, "assistant", "GET", `/movies/${id}`)).body.movie.title).toBe(`${title} (theirs)`);
});

test("a delete can be undone from its notice, cast and all", async ({ page, request }) => {
  const problems = watchProblems(page);
  const name = unique("Undone");
  const id = (await api(request, "producer", "POST", "/actors", { name, age: 33, gender: "male" })).body.created;
  const movie = (await api(request, "producer", "POST", "/movies", { title: unique("Kept"), release_date: "2021-01-01" })).body.created_id;
  await api(request, "director", "PUT", `/movies/${movie}/actors/${id}`, { character: "Sebastian" });
  await signIn(page, "director");
  await page.goto(`/actors?q=${encodeURIComponent(name)}`);
  await hydrated(page);
  const row = page.locator("tr", { hasText: name });
  await row.getByRole("link", { name: "Delete" }).click();
  await row.getByRole("button", { name: "Confirm delete" }).click();
  await expect(page.locator("tr", { hasText: name })).toHaveCount(0);
  const status = page.getByRole("status");
  await expect(status).toContainText(`Deleted “${name}”.`);
  const undo = status.getByRole("button", { name: "Undo" });
  await expect(undo).toBeFocused();
  await undo.press("Enter");
  await expect(status).toContainText(`Restored “${name}”.`);
  await expect(page.locator("tr", { hasText: name })).toBeVisible();
  const back = (await api(request, "assistant", "GET", `/actors/${id}`)).body.actor;
  expect(back.movies.map((m: { character: string }) => m.character)).toEqual(["Sebastian"]);
  expect(real(problems)).toEqual([]);
});

test("the trash lists what a producer may restore, and restores it", async ({ page, request }) => {
  const problems = watchProblems(page);
  const title = unique("Binned");
  const id = (await api(request, "producer", "POST", "/movies", { title, release_date: "2022-02-02" })).body.created_id;
  await api(request, "producer", "DELETE", `/movies/${id}`);
  await signIn(page, "producer");
  await page.goto("/");
  await hydrated(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Trash" }).click();
  await expect(page.getByRole("heading", { name: "Trash" })).toBeVisible();
  const item = page.locator(".trash-item", { hasText: title });
  await expect(item).toContainText("Deleted by Executive Producer (local sign-in)");
  await item.getByRole("button", { name: `Restore ${title}` }).click();
  await expect(page.getByRole("status")).toContainText(`Restored “${title}”.`);
  await expect(page.locator(".trash-item", { hasText: title })).toHaveCount(0);
  expect((await api(request, "assistant", "GET", `/movies/${id}`)).status).toBe(200);
  expect(real(problems)).toEqual([]);
});

test("an assistant has no trash", async ({ page }) => {
  await signIn(page, "assistant");
  await page.goto("/");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Trash" })).toHaveCount(0);
  await page.goto("/trash");
  await expect(page.getByText("Your role cannot delete or restore records")).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a conflict comes back with what was typed, and re-applies", async ({ page, request }) => {
    const name = unique("Plain Racer");
    const id = (await api(request, "producer", "POST", "/actors", { name, age: 50, gender: "male" })).body.created;
    await page.goto("/login");
    await page.getByRole("button", { name: "Sign in as Casting Director" }).click();
    await page.goto(`/actors?q=${encodeURIComponent(name)}`);
    await page.locator("tr", { hasText: name }).getByRole("link", { name: "Edit", exact: true }).click();
    await page.locator(`#actor-${id}-age`).fill("51");
    await api(request, "producer", "PATCH", `/actors/${id}`, { gender: "female" });
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.locator(".conflict")).toContainText("Someone else changed this actor");
    await expect(page.locator(".conflict")).toContainText("gender “female”");
    await expect(page.locator(`#actor-${id}-age`)).toHaveValue("51");
    await page.getByRole("button", { name: "Apply my changes" }).click();
    const now = (await api(request, "assistant", "GET", `/actors/${id}`)).body.actor;
    expect(now).toMatchObject({ age: 51, gender: "female" });
  });

  test("the trash restores with a plain form", async ({ page, request }) => {
    const name = unique("Plain Binned");
    const id = (await api(request, "producer", "POST", "/actors", { name, age: 20, gender: "male" })).body.created;
    await api(request, "director", "DELETE", `/actors/${id}`);
    await page.goto("/login");
    await page.getByRole("button", { name: "Sign in as Casting Director" }).click();
    await page.goto("/trash");
    await page.locator(".trash-item", { hasText: name }).getByRole("button", { name: `Restore ${name}` }).click();
    await expect(page.locator(".trash-item", { hasText: name })).toHaveCount(0);
    expect((await api(request, "assistant", "GET", `/actors/${id}`)).status).toBe(200);
  });
});
