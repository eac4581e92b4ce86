/** UI Kit resource `admin-group-edit` (jira:customField `admin-group`). */
import ForgeReconciler from '@forge/react';
import { AdminGroupEdit } from './admin-group';

ForgeReconciler.render(<AdminGroupEdit />);
