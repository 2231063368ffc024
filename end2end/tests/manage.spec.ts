import { expect, test } from "@playwright/test";
import { api, hydrated, signIn, unique, watchProblems } from "./helpers";

test("a director creates, edits and deletes an actor; the REST API agrees both ways", async ({ page, request }) => {
  const problems = watchProblems(page);
  await signIn(page, "director");
  await page.goto("/actors");
  await hydrated(page);

  const name = unique("Ada");
  await page.getByLabel("Name").first().fill(name);
  await page.getByLabel("Age").first().fill("36");
  await page.getByLabel("Gender").first().fill("female");
  await page.getByRole("button", { name: "Add actor" }).click();
  const row = page.locator("tr", { hasText: name });
  await expect(row).toBeVisible();
  // The form is ready for the next one.
  await expect(page.getByLabel("Name").first()).toHaveValue("");

  let listed = await api(request, "assistant", "GET", "/actors");
  const created = listed.body.actors.find((a: { name: string }) => a.name === name);
  expect(created).toMatchObject({ name, age: 36, gender: "female" });

  // Edit in the row: the link opens its editor (in the URL), Save closes it.
  await row.getByRole("link", { name: "Edit", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`edit=${created.id}`));
  await expect(row.getByLabel("Name")).toBeFocused();
  await row.getByLabel("Age").fill("37");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("tr", { hasText: name }).locator('td[data-label="Age"]')).toHaveText("37");
  await expect(page).not.toHaveURL(/edit=/);
  await expect(row.getByRole("link", { name: "Edit", exact: true })).toBeVisible();
  listed = await api(request, "assistant", "GET", `/actors/${created.id}`);
  expect(listed.body.actor.age).toBe(37);

  // A change made through the API shows in the UI after a reload.
  await api(request, "director", "PATCH", `/actors/${created.id}`, { gender: "non-binary" });
  await page.reload();
  await expect(page.locator("tr", { hasText: name }).locator('td[data-label="Gender"]')).toHaveText("non-binary");

  // Delete, with confirmation.
  await hydrated(page);
  const again = page.locator("tr", { hasText: name });
  // Cancel leaves it alone; Confirm deletes it.
  await again.getByRole("link", { name: "Delete" }).click();
  await again.getByRole("link", { name: "Cancel" }).click();
  await expect(again.getByRole("button", { name: "Confirm delete" })).toHaveCount(0);
  await again.getByRole("link", { name: "Delete" }).click();
  await again.getByRole("button", { name: "Confirm delete" }).click();
  await expect(page.locator("tr", { hasText: name })).toHaveCount(0);
  const gone = await api(request, "assistant", "GET", `/actors/${created.id}`);
  expect(gone.status).toBe(404);
  expect(problems).toEqual([]);
});

test("a producer creates a movie; its release date shows after reload", async ({ page }) => {
  await signIn(page, "producer");
  await page.goto("/movies");
  await hydrated(page);
  const title = unique("The Prestige");
  await page.getByLabel("Title").first().fill(title);
  await page.getByLabel("Release date").first().fill("2024-12-23");
  await page.getByRole("button", { name: "Add movie" }).click();
  await expect(page.locator("tr", { hasText: title })).toBeVisible();
  await page.reload();
  await expect(page.locator("tr", { hasText: title }).locator("time")).toHaveText("23 Dec 2024");
});

test("a validation error shows next to its field and nothing is stored", async ({ page, request }) => {
  await signIn(page, "director");
  await page.goto("/actors");
  await hydrated(page);
  const before = (await api(request, "assistant", "GET", "/actors")).body.all_actors;

  // Whitespace passes the browser's `required` check; the server refuses it.
  await page.getByLabel("Name").first().fill("   ");
  await page.getByLabel("Age").first().fill("30");
  await page.getByLabel("Gender").first().fill("male");
  await page.getByRole("button", { name: "Add actor" }).click();
  const nameError = page.locator("#new-actor-name-error");
  await expect(nameError).toHaveText("Name can't be empty.");
  await expect(page.locator("#new-actor-name")).toHaveAttribute("aria-invalid", "true");
  expect((await api(request, "assistant", "GET", "/actors")).body.all_actors).toBe(before);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the actors page shows the data, and sign-in works", async ({ page, request }) => {
    const name = unique("No Script");
    await api(request, "producer", "POST", "/actors", { name, age: 50, gender: "male" });
    await page.goto("/login");
    await page.getByRole("button", { name: "Sign in as Casting Assistant" }).click();
    await page.goto("/actors");
    await expect(page.locator("tr", { hasText: name })).toBeVisible();
  });

  test("a director adds an actor with the plain HTML form", async ({ page, request }) => {
    const name = unique("Plain Form");
    await page.goto("/login");
    await page.getByRole("button", { name: "Sign in as Casting Director" }).click();
    await page.goto("/actors");
    await page.getByLabel("Name").first().fill(name);
    await page.getByLabel("Age").first().fill("44");
    await page.getByLabel("Gender").first().fill("female");
    await page.getByRole("button", { name: "Add actor" }).click();
    // Leptos redirects back to the page (with an empty query: no error to report).
    await expect(page).toHaveURL(/\/actors\??$/);
    await expect(page.locator("tr", { hasText: name })).toBeVisible();
    const listed = await api(request, "assistant", "GET", "/actors");
    expect(listed.body.actors.some((a: { name: string }) => a.name === name)).toBeTruthy();
  });

  test("a director edits an actor with plain links and forms", async ({ page, request }) => {
    const name = unique("Plain Edit");
    const { body } = await api(request, "producer", "POST", "/actors", { name, age: 30, gender: "male" });
    await page.goto("/login");
    await page.getByRole("button", { name: "Sign in as Casting Director" }).click();
    await page.goto("/actors");
    const row = page.locator("tr", { hasText: name });
    await row.getByRole("link", { name: "Edit", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`edit=${body.created}`));
    await row.getByLabel("Age").fill("31");
    await row.getByRole("button", { name: "Save" }).click();
    await expect(page.locator("tr", { hasText: name }).locator('td[data-label="Age"]')).toHaveText("31");
    const shown = await api(request, "assistant", "GET", `/actors/${body.created}`);
    expect(shown.body.actor.age).toBe(31);
  });
});
