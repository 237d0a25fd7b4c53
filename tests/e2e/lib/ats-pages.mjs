// The fixture's own small pages (the vendors' pages are the saved real ones): the sign-in
// wall, the confirmation, a posting page, and application forms written for one check each (a
// plain one, a visible captcha, an invisible captcha that answers the submit with a challenge,
// a script that reaches for the metadata service and loopback, and labelled inputs nobody can
// see, which is tests/e2e/fixtures/hidden-fields.html).

const page = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body>${body}</body></html>`;

/** A sign-in page with a password field: what a browser without the session's cookies gets. */
export const signInPage = (next) => page('Sign in', `
<h1>Sign in to continue</h1>
<form method="post" action="/sign-in">
  <input type="hidden" name="next" value="${encodeURI(next)}">
  <label for="username">Email</label><input id="username" name="username" type="email" autocomplete="username">
  <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
  <button type="submit">Sign in</button>
</form>`);

export const confirmationPage = () => page('Application submitted', `
<h1>Thank you for applying</h1>
<p>Your application has been received. We will be in touch.</p>`);

export const postingPage = (title, applyPath) => page(title, `
<h1>${title}</h1><p>Remote. Rust and PostgreSQL.</p><a href="${applyPath}">Apply for this job</a>`);

// A plain multipart form with the identity fields and a resume: the same for each page below.
const plainForm = (extra = '') => `
<form method="post" enctype="multipart/form-data">
  <label for="first_name">First name</label><input id="first_name" name="first_name" type="text" required>
  <label for="last_name">Last name</label><input id="last_name" name="last_name" type="text" required>
  <label for="email">Email</label><input id="email" name="email" type="email" required>
  <label for="resume">Resume</label><input id="resume" name="resume" type="file" accept=".pdf">
  ${extra}
  <button type="submit">Submit application</button>
</form>`;

/** A plain hosted form: what a run submits when nothing stops it. */
export const plainPage = () => page('Job Application for Site Reliability Engineer at Initech', `
<h1>Site Reliability Engineer</h1>${plainForm()}`);

/** A form behind a visible reCAPTCHA checkbox: only a person can go on. */
export const captchaPage = () => page('Job Application for Platform Engineer at Initech', `
<h1>Platform Engineer</h1>${plainForm(`
  <div class="g-recaptcha" data-sitekey="6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI" style="width: 304px; height: 78px; border: 1px solid #ccc">
    <label><input type="checkbox" id="recaptcha-anchor"> I'm not a robot</label>
  </div>`)}`);

/**
 * A form behind an invisible reCAPTCHA (nothing to solve on the page) whose vendor script, a
 * local stand-in, answers the submit with a visible challenge frame instead of sending it.
 */
export const challengePage = () => page('Job Application for Security Engineer at Initech', `
<h1>Security Engineer</h1>${plainForm(`
  <div class="g-recaptcha" data-sitekey="6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI" data-size="invisible"></div>`)}
<script>
  document.querySelector('form').addEventListener('submit', (event) => {
    event.preventDefault();
    const frame = document.createElement('iframe');
    frame.title = 'recaptcha challenge expires in two minutes';
    frame.src = '/recaptcha/api2/bframe?k=6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI';
    frame.style.cssText = 'width: 400px; height: 580px; border: 0';
    document.body.append(frame);
  });
</script>`);

/**
 * A form whose script, once loaded and again at the first typed character, reaches for the
 * cloud metadata service and for a loopback port of the machine (fetch, an image, a frame):
 * all of it must be refused. It first tells its own server that it ran (`/__beacon?phase=`),
 * so a test knows the attempts were made, not merely that nothing arrived.
 */
export const exfiltrationPage = (probePort) => page('Job Application for Data Engineer at Initech', `
<h1>Data Engineer</h1>${plainForm()}
<script>
  const targets = ['http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:${probePort}/fetch', 'http://localhost:${probePort}/fetch'];
  function reach(phase) {
    fetch('/__beacon?phase=' + phase).catch(() => {});
    for (const url of targets) fetch(url + '?phase=' + phase, { mode: 'no-cors' }).catch(() => {});
    new Image().src = 'http://127.0.0.1:${probePort}/image?phase=' + phase;
    const frame = document.createElement('iframe');
    frame.src = 'http://127.0.0.1:${probePort}/frame?phase=' + phase;
    frame.style.display = 'none';
    document.body.append(frame);
  }
  reach('load');
  document.addEventListener('input', () => reach('input'), { once: true });
</script>`);
