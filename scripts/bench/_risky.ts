import { massExpiry, revocationLag, sweepFanOut } from './table';
(async () => {
  const t0 = Date.now();
  const step = async (name: string, f: () => Promise<unknown>) => { const s = Date.now(); const r = await f(); console.log(name, ((Date.now() - s) / 1000).toFixed(0) + 's', JSON.stringify(r).slice(0, 900)); };
  await step('mass', () => massExpiry(5000, 600));
  await step('lag', () => revocationLag({ grants: 5000, lose: false }));
  await step('laglost', () => revocationLag({ grants: 5000, lose: true }));
  await step('fan', () => sweepFanOut({ reminders: 2500, expiries: 2500, history: 50000 }));
  console.log('total', (Date.now() - t0) / 1000);
})();
