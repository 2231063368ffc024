import { expect, test } from "@playwright/test";
import { apiToken, watchProblems } from "./helpers";

// Swagger UI is served from the binary: it must render and call the API with nothing from the
// network but this server (the browser here has no internet, so a CDN asset would fail).
test("Swagger UI at /docs lists the API and runs a request with a bearer token", async ({ page, request, baseURL }) => {
  const problems = watchProblems(page);
  const foreign: string[] = [];
  page.on("request", (req) => {
    if (new URL(req.url()).origin !== new URL(baseURL!).origin) foreign.push(req.url());
  });
  await page.goto("/docs");
  await expect(page.getByRole("heading", { name: /Casting Agency API/ })).toBeVisible();
  const paths = page.locator(".opblock-summary-path");
  await expect(paths.filter({ hasText: "/movies/{id}/actors/{actor_id}" }).first()).toBeVisible();
  expect(await paths.count()).toBeGreaterThanOrEqual(18);

  // Authorize with a producer token, then try GET /actors.
  const token = await apiToken(request, "producer");
  await page.locator("button.authorize").click();
  // Two schemes are offered (the bearer token, and the web session's cookie for pictures).
  const bearer = page.locator("form").filter({ hasText: "bearer (http, Bearer)" });
  await bearer.locator("input").first().fill(token);
  await bearer.getByRole("button", { name: "Apply credentials" }).click();
  await page.locator("button.btn-done").first().click();
  const list = page.locator("#operations-actors-list_actors");
  await list.locator(".opblock-summary").click();
  await list.getByRole("button", { name: "Try it out" }).click();
  await list.getByRole("button", { name: "Execute" }).click();
  await expect(list.locator(".live-responses-table tbody .response-col_status").first()).toHaveText("200");
  await expect(list.locator(".live-responses-table")).toContainText('"success": true');

  expect(foreign).toEqual([]);
  expect(problems.filter((p) => !p.includes("React"))).toEqual([]);
});
