//! The test pages. Small, but shaped like the vendors': a plain POST form, a React-style form
//! whose state only changes on input events and which posts JSON from that state, a wizard in
//! one document, a parent page embedding the form from another origin.

/// A plain form posting urlencoded; `extra` goes inside the form.
pub fn plain(extra: &str) -> String {
    format!(
        r#"<!doctype html><html><head><title>Apply: Engineer</title></head><body>
<h1>Engineer</h1>
<form method="post" action="/apply">
  <label for="first">First name *</label><input id="first" name="first_name" required>
  <label for="last">Last name *</label><input id="last" name="last_name" required>
  <label for="email">Email *</label><input id="email" name="email" type="email" required>
  <label for="why">Why do you want to work here? *</label>
  <textarea id="why" name="why" required></textarea>
  {extra}
  <button type="submit">Submit application</button>
</form></body></html>"#
    )
}

/// A labelled phone input nobody can see, beside the form's real fields.
pub const HIDDEN_PHONE: &str = r#"<div style="display:none"><label for="phone">Phone</label><input id="phone" name="phone"></div>"#;

/// Fields with a value tracker like React's: what the page keeps is what its input events
/// said, and the submit posts that state as JSON (a value set without the events is lost).
pub const REACT: &str = r#"<!doctype html><html><head><title>Apply</title></head><body>
<div id="root"><form id="app">
  <label for="name">Full name *</label><input id="name" name="name" required>
  <label for="mail">Email *</label><input id="mail" name="mail" type="email" required>
  <label for="cover">Anything you would like us to know? *</label><textarea id="cover" name="cover" required></textarea>
  <button type="submit">Submit application</button>
</form></div>
<script>
  const state = {};
  for (const el of document.querySelectorAll('#app input, #app textarea')) {
    el.addEventListener('input', (e) => { state[e.target.name] = e.target.value; });
  }
  document.getElementById('app').addEventListener('submit', async (event) => {
    event.preventDefault();
    await fetch('/api/applications', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(state) });
    document.getElementById('root').innerHTML = '<h1>Application submitted</h1><p>Thanks for your application.</p>';
  });
</script></body></html>"#;

/// Next, Next, Review, Submit in one document.
pub const WIZARD: &str = r#"<!doctype html><html><head><title>Apply</title></head><body>
<div id="root"></div>
<script>
  const answers = {};
  const steps = [
    { title: 'Your details', fields: [['first', 'First name'], ['email', 'Email']], button: 'Next' },
    { title: 'Contact', fields: [['city', 'City'], ['phone', 'Phone']], button: 'Continue' },
    { title: 'Questions', fields: [['why', 'Why this team?']], button: 'Review' },
    { title: 'Review your application', fields: [], button: 'Submit application' },
  ];
  let at = 0;
  function render() {
    const step = steps[at];
    const root = document.getElementById('root');
    root.innerHTML = `<h2>${step.title}</h2><form id="wizard">` + step.fields.map(([name, label]) =>
      `<label for="${name}">${label} *</label>` + (name === 'why' ? `<textarea id="${name}" name="${name}" required></textarea>` : `<input id="${name}" name="${name}" required>`)).join('') +
      (at === 3 ? `<pre>${JSON.stringify(answers)}</pre>` : '') + `<button type="submit">${step.button}</button></form>`;
    for (const el of root.querySelectorAll('input, textarea')) {
      el.addEventListener('input', (e) => { answers[e.target.name] = e.target.value; });
    }
    document.getElementById('wizard').addEventListener('submit', async (event) => {
      event.preventDefault();
      if (at < 3) { at += 1; render(); return; }
      await fetch('/api/wizard', { method: 'POST', body: JSON.stringify(answers) });
      root.innerHTML = '<h1>Thank you for applying</h1>';
    });
  }
  render();
</script></body></html>"#;

/// A parent page whose form is an iframe from `form_url`.
pub fn embedding(form_url: &str) -> String {
    format!(
        r#"<!doctype html><html><head><title>Careers at Acme</title></head><body>
<h1>Engineer at Acme</h1><p>Apply below.</p>
<iframe src="{form_url}" width="800" height="900"></iframe></body></html>"#
    )
}

pub const CAPTCHA: &str = r#"<!doctype html><html><body><form method="post" action="/apply">
<label for="email">Email *</label><input id="email" name="email" type="email" required>
<div class="g-recaptcha" data-sitekey="6Lc_test" style="width: 304px; height: 78px"></div>
<button type="submit">Submit application</button></form></body></html>"#;

/// reCAPTCHA's invisible widget: nothing to solve on the page (its badge aside).
pub const INVISIBLE_CAPTCHA: &str =
    r#"<div class="g-recaptcha" data-sitekey="6Lc_test" data-size="invisible"></div>"#;

/// The invisible widget, and a stand-in for its vendor's script that answers the submit with a
/// visible challenge frame instead of sending the form.
pub const CHALLENGE_ON_SUBMIT: &str = r#"<div class="g-recaptcha" data-sitekey="6Lc_test" data-size="invisible"></div>
<script>
  document.querySelector('form').addEventListener('submit', (event) => {
    event.preventDefault();
    const frame = document.createElement('iframe');
    frame.src = '/recaptcha/api2/bframe?k=6Lc_test';
    frame.style.cssText = 'width: 400px; height: 580px; border: 0';
    document.body.append(frame);
  });
</script>"#;

/// An empty widget that its vendor's script (a stand-in) renders as a box to solve once the
/// user starts typing.
pub const WIDGET_WHILE_FILLING: &str = r#"<div class="g-recaptcha" data-sitekey="6Lc_test"></div>
<script>
  document.addEventListener('input', () => {
    document.querySelector('.g-recaptcha').style.cssText = 'width: 304px; height: 78px';
  }, { once: true });
</script>"#;

pub const SIGN_IN: &str = r#"<!doctype html><html><head><title>Sign in</title></head><body>
<form method="post" action="/session"><label for="user">Email</label><input id="user" name="user" type="email">
<label for="pass">Password</label><input id="pass" name="password" type="password">
<button type="submit">Sign in</button></form></body></html>"#;

/// The plain form, plus scripts that try the metadata service and another loopback port.
pub fn reaching(other_port: u16) -> String {
    plain(&format!(
        r#"<script>
  fetch('http://169.254.169.254/latest/meta-data/').catch(() => {{}});
  fetch('http://127.0.0.1:{other_port}/steal').catch(() => {{}});
</script>"#
    ))
}
