/** UI Kit resource `access-type-edit` (jira:customField `access-type`). */
import ForgeReconciler from '@forge/react';
import { AccessTypeEdit } from './access-type';

ForgeReconciler.render(<AccessTypeEdit />);
