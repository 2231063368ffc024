import { expect, test } from "@playwright/test";
import { api, hydrated, signIn, unique, watchProblems } from "./helpers";

// A director stores a name that closes <title> and opens a script; a producer opens the page.
// Nothing of it may run: the script would delete a movie with the producer's session.
const HOSTILE =
  `</title><script>window.__pwned=1;fetch('/api/movies/delete',{method:'POST',body:'id=1'})</script>` +
  `<img src=x onerror="window.__pwned=2">`;

test("a hostile actor name stays text, in the title too, and runs nothing", async ({ page, request }) => {
  const movie = await api(request, "producer", "POST", "/movies", {
    title: unique("Kept"),
    release_date: "2024-05-06",
  });
  expect(movie.status).toBe(200);
  const actor = await api(request, "director", "POST", "/actors", {
    name: HOSTILE,
    age: 33,
    gender: "female",
  });
  expect(actor.status).toBe(200);
  await api(request, "director", "PUT", `/movies/${movie.body.created_id}/actors/${actor.body.created}`, {
    character: HOSTILE,
  });

  // Any script the policy had to block would show up as a violation.
  await page.addInitScript(() => {
    (window as any).__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as any).__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const problems = watchProblems(page);
  await signIn(page, "producer");
  for (const path of [`/actors/${actor.body.created}`, `/movies/${movie.body.created_id}`, "/actors"]) {
    const response = await page.goto(path);
    expect(response?.headers()["content-security-policy"]).toContain("'nonce-");
    await hydrated(page);
    if (path.startsWith("/actors/")) {
      await expect(page).toHaveTitle(`${HOSTILE} · Casting Agency`);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(HOSTILE);
    }
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => (window as any).__violations)).toEqual([]);
  }
  const kept = await api(request, "producer", "GET", `/movies/${movie.body.created_id}`);
  expect(kept.status).toBe(200);
  expect(problems).toEqual([]);
});
