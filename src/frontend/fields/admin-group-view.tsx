/** UI Kit resource `admin-group-view` (jira:customField `admin-group`). */
import ForgeReconciler from '@forge/react';
import { AdminGroupView } from './admin-group';

ForgeReconciler.render(<AdminGroupView />);
