/** UI Kit resource `panel` (jira:issuePanel `access-panel`). */
import ForgeReconciler from '@forge/react';
import { Panel } from './Panel';

ForgeReconciler.render(<Panel />);
