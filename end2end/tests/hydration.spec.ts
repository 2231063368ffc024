import { expect, test } from "@playwright/test";
import { hydrated, signIn, watchProblems } from "./helpers";

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
