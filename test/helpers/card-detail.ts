/** Reading the card detail's description editor in a page: the e2e files that edit descriptions share these. */
import type { Page } from 'playwright-core';

export const panel = (page: Page) => page.locator('dialog.card-detail');
export const editorOf = (page: Page) => page.locator('dialog.card-detail [data-editor-root]');
/** The description's top-level blocks as "tag:text". */
export const blocks = (page: Page) => editorOf(page).evaluate((el) => [...el.children].map((c) => `${c.tagName.toLowerCase()}:${c.textContent}`));

export async function waitForText(page: Page, text: string, timeout = 5_000): Promise<void> {
  await page.waitForFunction((t) => document.querySelector('dialog.card-detail [data-editor-root]')?.textContent?.includes(t), text, { timeout });
}
