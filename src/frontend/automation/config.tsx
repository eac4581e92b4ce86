/** UI Kit resource `automation-config` (the three `action` modules' configuration form). */
import ForgeReconciler from '@forge/react';
import { AutomationConfigForm } from './config-form';

ForgeReconciler.render(<AutomationConfigForm />);
