import '@atlaskit/css-reset';
import { setGlobalTheme } from '@atlaskit/tokens/set-global-theme';
import { view } from '@forge/bridge';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './admin.css';

/**
 * Follow Jira's theme: the context says which colour mode the site shows, `view.theme.enable()` lets
 * Jira set data-color-mode on this document, and setGlobalTheme loads the design tokens for it. Every
 * colour on the page is a token, so dark needs nothing else. Light when the context cannot be read.
 */
async function followJiraTheme(): Promise<void> {
  let colorMode: 'light' | 'dark' = 'light';
  try {
    const ctx = (await view.getContext()) as { theme?: { colorMode?: string } };
    if (ctx.theme?.colorMode === 'dark') colorMode = 'dark';
    await view.theme.enable();
  } catch {
    // Outside Jira (no bridge): stay light.
  }
  await setGlobalTheme({ colorMode });
}
void followJiraTheme();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
