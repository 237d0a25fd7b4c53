// Throwaway: screenshots of the intake pages (not committed).
import { chromium } from 'playwright-core';
import { Companion } from './e2e/lib/companion.mjs';

const companion = await Companion.start();
await companion.addUser('alice', 'correct horse battery staple');
const { token } = await companion.pairDevice('alice');
const post = (path, body, method = 'POST') => fetch(`${companion.url}${path}`, {
  method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
}).then((r) => r.json());
await post('/api/v1/settings/intake', { locations: ['Berlin'], salaryFloor: 90000, companyBlocklist: ['Globex'], titleExclude: ['manager'] }, 'PUT');
await post('/api/v1/postings', { '@type': 'JobPosting', title: 'Senior Rust Engineer', hiringOrganization: { name: 'Acme' },
  jobLocation: { address: { addressLocality: 'Berlin', addressCountry: 'DE' } }, baseSalary: { currency: 'EUR', value: { minValue: 90000, maxValue: 110000 } },
  description: '<p>Rust, PostgreSQL</p>', url: 'https://jobs.example.com/acme/1' });
await post('/api/v1/postings', { title: '<img src=x onerror=alert(1)>', company: 'Evil <b>Corp</b>', url: 'https://evil.example.com/x' });
await post('/api/v1/postings', { text: 'Engineering Manager\nGlobex\n\nManage people.' });
await post('/api/v1/watchlist', { vendor: 'greenhouse', board: 'acme' });
await post('/api/v1/watchlist', { vendor: 'lever', board: 'globex' });

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
const problems = [];
page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
await page.goto(`${companion.url}/login`);
await page.fill('input[name=username]', 'alice');
await page.fill('input[name=password]', 'correct horse battery staple');
await Promise.all([page.waitForURL(/\/dashboard/), page.click('form button')]);
await page.goto(`${companion.url}/dashboard/postings`);
await page.locator('#live-status[data-state=live]').waitFor();
await post('/api/v1/postings', { title: 'Live <script>x</script> role', company: 'Initech' });
await page.locator('#postings tr.fresh').waitFor();
await page.screenshot({ path: '/tmp/intake-shot/postings.png', fullPage: true });
await page.goto(`${companion.url}/dashboard/settings`);
await page.screenshot({ path: '/tmp/intake-shot/settings.png', fullPage: true });
await page.fill('input[name=salary_floor]', 'lots');
await page.click('#save-filters');
await page.screenshot({ path: '/tmp/intake-shot/settings-error.png', fullPage: true });
console.log('problems:', JSON.stringify(problems));
await browser.close();
companion.process.kill('SIGTERM');
