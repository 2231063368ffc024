import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { api, hydrated, signIn, unique } from "./helpers";

test("no serious or critical accessibility violations; screenshots saved", async ({ page, request }) => {
  const actor = (await api(request, "producer", "POST", "/actors", { name: unique("Screenshot"), age: 41, gender: "female" })).body.created;
  const movie = (await api(request, "producer", "POST", "/movies", { title: unique("Screenshot"), release_date: "2022-02-22" })).body.created_id;
  await api(request, "producer", "PUT", `/movies/${movie}/actors/${actor}`, { character: "Lead" });
  const PAGES = ["/", "/actors", "/movies", `/movies/${movie}`, `/actors/${actor}`, "/login"];
  await signIn(page, "producer");
  for (const path of PAGES) {
    await page.goto(path);
    await hydrated(page);
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${path}: ${v.id} (${v.impact}) ${v.help}`)).toEqual([]);
    const name = path === "/" ? "dashboard" : path.slice(1).replace(/\/\d+$/, "-detail");
    await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
  }
});
