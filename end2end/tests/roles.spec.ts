import { expect, test } from "@playwright/test";
import { Role, api, hydrated, signIn, unique, watchProblems } from "./helpers";

// What each role may do, as the UI must show it.
const EXPECTED: Record<Role, { addActor: boolean; editActor: boolean; deleteActor: boolean; addMovie: boolean; editMovie: boolean; deleteMovie: boolean }> = {
  assistant: { addActor: false, editActor: false, deleteActor: false, addMovie: false, editMovie: false, deleteMovie: false },
  director: { addActor: true, editActor: true, deleteActor: true, addMovie: false, editMovie: true, deleteMovie: false },
  producer: { addActor: true, editActor: true, deleteActor: true, addMovie: true, editMovie: true, deleteMovie: true },
};

test.beforeAll(async ({ request }) => {
  // At least one row of each, so row controls can show.
  await api(request, "producer", "POST", "/actors", { name: unique("Role Fixture"), age: 33, gender: "female" });
  await api(request, "producer", "POST", "/movies", { title: unique("Role Fixture"), release_date: "2023-03-03" });
});

for (const role of Object.keys(EXPECTED) as Role[]) {
  test(`${role} sees exactly the controls their permissions allow`, async ({ page }) => {
    const problems = watchProblems(page);
    const can = EXPECTED[role];
    await signIn(page, role);
    await expect(page.getByTestId("actor-count")).toHaveText(/\d+/);

    await page.goto("/actors");
    await hydrated(page);
    await expect(page.locator("table.data tbody tr").first()).toBeVisible();
    await expect(page.getByRole("heading", { name: "Add an actor" })).toHaveCount(can.addActor ? 1 : 0);
    const rows = page.locator("table.data tbody tr");
    await expect(rows.getByRole("link", { name: "Edit", exact: true })).toHaveCount(can.editActor ? await rows.count() : 0);
    await expect(rows.getByRole("link", { name: "Delete", exact: true }).first()).toHaveCount(can.deleteActor ? 1 : 0);

    await page.goto("/movies");
    await hydrated(page);
    await expect(page.locator("table.data tbody tr").first()).toBeVisible();
    await expect(page.getByRole("heading", { name: "Add a movie" })).toHaveCount(can.addMovie ? 1 : 0);
    await expect(rows.getByRole("link", { name: "Edit", exact: true }).first()).toHaveCount(can.editMovie ? 1 : 0);
    await expect(rows.getByRole("link", { name: "Delete", exact: true }).first()).toHaveCount(can.deleteMovie ? 1 : 0);
    expect(problems).toEqual([]);
  });
}

test("signing out ends the session", async ({ page }) => {
  await signIn(page, "assistant");
  await hydrated(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/actors");
  await expect(page.getByText("Sign in to see actors.")).toBeVisible();
});

test("an expired or invalid session sends the person to sign in again, with a message", async ({ page, context, baseURL }) => {
  await context.addCookies([{ name: "casting_session", value: "not.a.valid-token", url: baseURL! }]);
  await page.goto("/actors");
  await expect(page).toHaveURL(/\/login\?error=session$/);
  await expect(page.getByRole("alert")).toHaveText("Your session has expired or is no longer valid. Please sign in again.");
  // Signing in again works from there.
  await page.getByRole("button", { name: "Sign in as Casting Assistant" }).click();
  await expect(page.locator(".role-badge")).toHaveText("Casting Assistant");
});

test("Back after signing out does not show the previous person's data", async ({ page, request }) => {
  const name = unique("Private");
  expect((await api(request, "director", "POST", "/actors", { name, age: 40, gender: "female" })).status).toBe(200);
  await signIn(page, "director");
  await page.goto(`/actors?q=${encodeURIComponent(name)}`);
  await hydrated(page);
  await expect(page.getByRole("link", { name })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/actors/);
  await expect(page.getByText("Sign in to see actors.")).toBeVisible();
  await expect(page.getByRole("link", { name })).toHaveCount(0);
});
