// A job page on loopback, which the extension may script (its companion host permission, in
// both browsers), holding a schema.org JobPosting inside an @graph.
import { createServer } from 'node:http';

const POSTING = {
  '@context': 'https://schema.org',
  '@graph': [{ '@type': 'WebPage', name: 'Careers' }, {
    // The posting's own link: the loopback page address would be refused as private.
    '@type': 'JobPosting', title: 'Platform Engineer', url: 'https://careers.hooli.example/jobs/42',
    hiringOrganization: { '@type': 'Organization', name: 'Hooli' },
    description: '<p>Rust and PostgreSQL</p>',
  }],
};

/** Serves the Hooli posting; `{ url, close }`. */
export async function startJobSite() {
  const site = createServer((request, response) => {
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.end(`<!doctype html><title>Hooli careers</title>
      <script type="application/ld+json">${JSON.stringify(POSTING)}</script>
      <h1>Platform Engineer</h1>`);
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${site.address().port}/jobs/42`, close: () => site.close() };
}
