import { APIRequestContext, Page, expect } from "@playwright/test";

export type Role = "assistant" | "director" | "producer";

export const ROLE_TITLES: Record<Role, string> = {
  assistant: "Casting Assistant",
  director: "Casting Director",
  producer: "Executive Producer",
};

/** Collects page errors and console errors/warnings; assert it stays empty. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") problems.push(`${msg.type()}: ${msg.text()}`);
  });
  return problems;
}

/** Waits until the WASM has hydrated the server-rendered page. */
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator(".layout")).toHaveAttribute("data-hydrated", "true");
}

/** Signs in through the local sign-in page, as a person would. */
export async function signIn(page: Page, role: Role): Promise<void> {
  await page.goto("/login");
  await page.getByRole("button", { name: `Sign in as ${ROLE_TITLES[role]}` }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator(".role-badge")).toHaveText(ROLE_TITLES[role]);
}

/** A bearer token for the REST API, from local sign-in. */
export async function apiToken(request: APIRequestContext, role: Role): Promise<string> {
  const res = await request.post("/auth/dev-token", { data: { role } });
  expect(res.ok()).toBeTruthy();
  return (await res.json()).access_token;
}

export async function api(request: APIRequestContext, role: Role, method: string, path: string, data?: unknown) {
  const token = await apiToken(request, role);
  const res = await request.fetch(path, {
    method,
    data,
    headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
  });
  return { status: res.status(), body: await res.json() };
}

export function unique(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}
