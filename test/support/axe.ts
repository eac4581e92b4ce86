/**
 * axe-core in a browser page or frame (the admin page's iframe, the UI Kit host): WCAG 2.1 A and AA
 * rules, the count of violations and the serious or critical ones in a readable form. One copy, so
 * every browser suite judges accessibility by the same rules.
 */
import fs from 'node:fs';
import type { Frame, Page } from 'playwright-core';

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

export async function runAxe(target: Page | Frame): Promise<{ violations: number; serious: string[] }> {
  if (!(await target.evaluate(() => 'axe' in window))) await target.addScriptTag({ content: AXE });
  const violations = (await target.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: unknown[] }> } }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations;
  })) as AxeViolation[];
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 5)
          .join(', ')}`,
    );
  return { violations: violations.length, serious };
}
