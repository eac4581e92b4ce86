/** UI Kit resource `access-type-view` (jira:customField `access-type`). */
import ForgeReconciler from '@forge/react';
import { AccessTypeView } from './access-type';

ForgeReconciler.render(<AccessTypeView />);
