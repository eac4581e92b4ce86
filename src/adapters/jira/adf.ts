/**
 * Renders the use cases' `Message` (ports) into Atlassian Document Format for comments, and into
 * plain text / HTML for Jira's notify API (email). Mentions become ADF `mention` nodes; in email they
 * become the person's display name when known. Only http(s) links are emitted as links.
 */
import type { Message, MessageBlock, MessageInline } from '../../app/ports';

export type AdfMark = { type: 'strong' } | { type: 'link'; attrs: { href: string } };
export type AdfInline = { type: 'text'; text: string; marks?: AdfMark[] } | { type: 'mention'; attrs: { id: string } };
export type AdfParagraph = { type: 'paragraph'; content: AdfInline[] };
export type AdfCell = { type: 'tableHeader' | 'tableCell'; content: AdfParagraph[] };
export type AdfTable = {
  type: 'table';
  attrs: { isNumberColumnEnabled: false; layout: 'default' };
  content: Array<{ type: 'tableRow'; content: AdfCell[] }>;
};
export type AdfDoc = { type: 'doc'; version: 1; content: Array<AdfParagraph | AdfTable> };

const safeHref = (href: string): string | undefined => {
  try {
    const u = new URL(href);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Comments live on the Jira site, so a site-relative path ("/browse/ACC-1", as View access writes) is
 * a working link there; emails (toPlainText/toHtml) still need an absolute http(s) URL.
 */
const commentHref = (href: string): string | undefined => (/^\/(?![/\\])[^\s\\]*$/.test(href) ? href : safeHref(href));

function inlineToAdf(i: MessageInline): AdfInline | undefined {
  if ('mention' in i) return i.mention ? { type: 'mention', attrs: { id: i.mention } } : undefined;
  // ADF rejects empty text nodes.
  if (!i.text) return undefined;
  if ('link' in i) {
    const href = commentHref(i.link);
    return href
      ? { type: 'text', text: i.text, marks: [{ type: 'link', attrs: { href } }] }
      : { type: 'text', text: i.text };
  }
  return i.strong ? { type: 'text', text: i.text, marks: [{ type: 'strong' }] } : { type: 'text', text: i.text };
}

const paragraph = (inlines: MessageInline[]): AdfParagraph => ({
  type: 'paragraph',
  content: inlines.map(inlineToAdf).filter((x): x is AdfInline => !!x),
});

function blockToAdf(b: MessageBlock): AdfParagraph | AdfTable {
  if ('paragraph' in b) return paragraph(b.paragraph);
  const head = {
    type: 'tableRow' as const,
    content: b.table.head.map((h): AdfCell => ({
      type: 'tableHeader',
      content: [paragraph([{ text: h, strong: true }])],
    })),
  };
  const rows = b.table.rows.map((row) => ({
    type: 'tableRow' as const,
    content: row.map((cell): AdfCell => ({ type: 'tableCell', content: [paragraph(cell)] })),
  }));
  return { type: 'table', attrs: { isNumberColumnEnabled: false, layout: 'default' }, content: [head, ...rows] };
}

export function toAdf(message: Message): AdfDoc {
  return { type: 'doc', version: 1, content: message.blocks.map(blockToAdf) };
}

/** Account ids mentioned anywhere in the message. */
export function mentionsOf(message: Message): string[] {
  const ids = new Set<string>();
  const visit = (xs: MessageInline[]) =>
    xs.forEach((i) => {
      if ('mention' in i) ids.add(i.mention);
    });
  for (const b of message.blocks) {
    if ('paragraph' in b) visit(b.paragraph);
    else b.table.rows.forEach((r) => r.forEach(visit));
  }
  return [...ids];
}

type Names = (accountId: string) => string | undefined;

function inlineText(i: MessageInline, names: Names): string {
  if ('mention' in i) return `@${names(i.mention) ?? 'user'}`;
  if ('link' in i) return safeHref(i.link) ? `${i.text} (${i.link})` : i.text;
  return i.text;
}

/**
 * The words of an ADF document as Jira keeps them: text nodes and mention ids, in order. Two comments
 * with the same words are the same comment for a notice looking for the one it may have posted.
 */
export function adfText(doc: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const n = node as { type?: unknown; text?: unknown; attrs?: { id?: unknown }; content?: unknown };
    if (n.type === 'text' && typeof n.text === 'string') out.push(n.text);
    else if (n.type === 'mention' && typeof n.attrs?.id === 'string') out.push(`@${n.attrs.id}`);
    if (Array.isArray(n.content)) n.content.forEach(walk);
    if (n.type === 'paragraph' || n.type === 'tableCell' || n.type === 'tableHeader') out.push('\n');
  };
  walk(doc);
  return out.join('').trim();
}

export function toPlainText(message: Message, names: Names = () => undefined): string {
  return message.blocks
    .map((b) => {
      if ('paragraph' in b) return b.paragraph.map((i) => inlineText(i, names)).join('');
      return [
        b.table.head.join(' | '),
        ...b.table.rows.map((r) => r.map((c) => c.map((i) => inlineText(i, names)).join('')).join(' | ')),
      ].join('\n');
    })
    .join('\n\n');
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function inlineHtml(i: MessageInline, names: Names): string {
  if ('mention' in i) return `<strong>@${esc(names(i.mention) ?? 'user')}</strong>`;
  if ('link' in i) {
    const href = safeHref(i.link);
    return href ? `<a href="${esc(href)}">${esc(i.text)}</a>` : esc(i.text);
  }
  return i.strong ? `<strong>${esc(i.text)}</strong>` : esc(i.text);
}

export function toHtml(message: Message, names: Names = () => undefined): string {
  return message.blocks
    .map((b) => {
      if ('paragraph' in b) return `<p>${b.paragraph.map((i) => inlineHtml(i, names)).join('')}</p>`;
      const head = `<tr>${b.table.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
      const rows = b.table.rows
        .map((r) => `<tr>${r.map((c) => `<td>${c.map((i) => inlineHtml(i, names)).join('')}</td>`).join('')}</tr>`)
        .join('');
      return `<table>${head}${rows}</table>`;
    })
    .join('');
}
