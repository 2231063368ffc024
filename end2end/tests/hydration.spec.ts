import { expect, test } from "@playwright/test";

test("the home page hydrates and reacts without errors", async ({ page }) => {
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") problems.push(`${msg.type()}: ${msg.text()}`);
  });

  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Casting Agency" })).toBeVisible();

  // The server-rendered page says "false"; only the running WASM flips it.
  await expect(page.locator("[data-hydrated]")).toHaveAttribute("data-hydrated", "true");
  const button = page.getByRole("button", { name: /Interactive check/ });
  await expect(button).toHaveText("Interactive check: clicked 0 times");
  await button.click();
  await button.click();
  await expect(button).toHaveText("Interactive check: clicked 2 times");

  expect(problems).toEqual([]);
});

test("API clients get JSON on the same paths a browser gets pages", async ({ request }) => {
  const home = await request.get("/", { headers: { Accept: "application/json" } });
  expect(await home.json()).toEqual({ success: true, home_route: true });

  const actors = await request.get("/actors", { headers: { Accept: "*/*" } });
  expect(actors.status()).toBe(401);
  expect((await actors.json()).code).toBe("authorization_header_missing");
});
