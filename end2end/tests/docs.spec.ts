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
  await page.locator(".auth-container input").first().fill(token);
  await page.locator(".auth-btn-wrapper button.authorize").click();
  await page.locator(".auth-btn-wrapper button.btn-done").click();
  const list = page.locator("#operations-actors-list_actors");
  await list.locator(".opblock-summary").click();
  await list.getByRole("button", { name: "Try it out" }).click();
  await list.getByRole("button", { name: "Execute" }).click();
  await expect(list.locator(".live-responses-table tbody .response-col_status").first()).toHaveText("200");
  await expect(list.locator(".live-responses-table")).toContainText('"success": true');

  expect(foreign).toEqual([]);
  expect(problems.filter((p) => !p.includes("React"))).toEqual([]);
});
