import { expect, test } from "@playwright/test";
import { api, hydrated, signIn, unique, watchProblems } from "./helpers";

test("actor list: search, sort and pages live in the URL", async ({ page, request }) => {
  const problems = watchProblems(page);
  const tag = unique("Pager");
  for (let i = 0; i < 23; i++) {
    await api(request, "producer", "POST", "/actors", { name: `${tag} ${String(i).padStart(2, "0")}`, age: 20 + i, gender: "female" });
  }
  await signIn(page, "assistant");
  await page.goto("/actors");
  await hydrated(page);

  await page.getByRole("searchbox", { name: "Search actors" }).fill(tag);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\?q=/);
  await expect(page.locator("table.data tbody tr")).toHaveCount(20);
  await expect(page.getByText("Page 1 of 2 · 23 in all")).toBeVisible();

  await page.getByRole("link", { name: "Next →" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.locator("table.data tbody tr")).toHaveCount(3);
  await page.goBack();
  await expect(page.locator("table.data tbody tr")).toHaveCount(20);

  // Sortable columns: ascending, then descending.
  await page.getByRole("link", { name: "Age", exact: true }).click();
  await expect(page).toHaveURL(/sort=age/);
  await expect(page.locator("table.data tbody tr").first()).toContainText(`${tag} 00`);
  await page.getByRole("link", { name: "Age", exact: true }).click();
  await expect(page).toHaveURL(/sort=-age/);
  await expect(page.locator("table.data tbody tr").first()).toContainText(`${tag} 22`);
  await expect(page.getByRole("columnheader", { name: /Age/ })).toHaveAttribute("aria-sort", "descending");

  // Shareable: the same URL in a fresh load shows the same thing.
  await page.goto(page.url());
  await expect(page.locator("table.data tbody tr").first()).toContainText(`${tag} 22`);
  await page.getByRole("searchbox", { name: "Search actors" }).fill(`${tag} nobody`);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText(`No actors match “${tag} nobody”.`)).toBeVisible();
  expect(problems).toEqual([]);
});
