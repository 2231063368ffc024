import { expect, test } from "@playwright/test";
import { hydrated, watchProblems } from "./helpers";

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
