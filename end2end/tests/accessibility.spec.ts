import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { api, hydrated, signIn, unique } from "./helpers";

const PAGES = ["/", "/actors", "/movies", "/login"];

test("no serious or critical accessibility violations; screenshots saved", async ({ page, request }) => {
  await api(request, "producer", "POST", "/actors", { name: unique("Screenshot"), age: 41, gender: "female" });
  await api(request, "producer", "POST", "/movies", { title: unique("Screenshot"), release_date: "2022-02-22" });
  await signIn(page, "producer");
  for (const path of PAGES) {
    await page.goto(path);
    await hydrated(page);
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${path}: ${v.id} (${v.impact}) ${v.help}`)).toEqual([]);
    const name = path === "/" ? "dashboard" : path.slice(1);
    await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
  }
});
