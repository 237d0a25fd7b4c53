// A multi-page application wizard as ATS vendors build them (Workday, SmartRecruiters, Easy
// Apply modals): one step at a time (contact, experience, work authorisation and voluntary
// self-identification), then a Review page and Submit. Only the current step's controls are in
// the DOM; the answers live in React state, so Back shows them again. Next refuses, with errors
// beside the fields and a summary, while a required field of the step is empty. Submit POSTs the
// answers as JSON (the resume's bytes base64) to /applications on the server that serves the
// page and shows "Thank you for applying". #state (hidden) is the state the test reads.
import { useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';

const COUNTRIES = ['Canada', 'Germany', 'India', 'United Kingdom', 'United States'];
const GENDERS = ['Male', 'Female', 'Non-binary', 'Decline to self-identify'];
const VETERAN = ['I am a protected veteran', 'I am not a protected veteran', 'I prefer not to answer'];

const EMPTY = {
  firstName: '',
  lastName: '',
  email: '',
  phone: '',
  country: '',
  title: '',
  sponsorship: '',
  linkedin: '',
  resume: null,
  authorized: '',
  gender: '',
  veteran: '',
};

// Per step: its title and its fields `[key, label, required]`, in order (the review lists them so).
const STEPS = [
  {
    title: 'My information',
    fields: [['firstName', 'First name', true], ['lastName', 'Last name', true], ['email', 'Email address', true], ['phone', 'Phone number', true]],
  },
  {
    title: 'My experience',
    fields: [['country', 'Country of residence', true], ['title', 'Current job title', true],
      ['sponsorship', 'Will you now or in the future require visa sponsorship?', true], ['linkedin', 'LinkedIn profile', false],
      ['resume', 'Resume/CV', true]],
  },
  {
    title: 'Application questions',
    fields: [['authorized', 'Are you legally authorized to work in the United States?', true],
      ['gender', 'Gender', false], ['veteran', 'Veteran status', false]],
  },
];
const REVIEW = STEPS.length;

function errorsOf(step, form) {
  const errors = {};
  for (const [key, label, required] of STEPS[step].fields) {
    if (required && !form[key]) errors[key] = `${label} is required`;
  }
  if (step === 0 && form.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(form.email)) errors.email = 'Enter a valid email address';
  return errors;
}

function Error({ id, text }) {
  return text ? <p className="error" id={`${id}-error`} role="alert">{text}</p> : null;
}

function Text({ id, label, type = 'text', value, onChange, required, error, autoComplete }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}{required ? <span aria-hidden="true"> *</span> : null}</label>
      <input id={id} name={id} type={type} value={value} autoComplete={autoComplete} aria-required={required || undefined}
        aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)} />
      <Error id={id} text={error} />
    </div>
  );
}

function Choice({ id, label, options, value, onChange, required, error }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}{required ? <span aria-hidden="true"> *</span> : null}</label>
      <select id={id} name={id} value={value} aria-required={required || undefined} aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined} onChange={(e) => onChange(e.target.value)}>
        <option value="">Select…</option>
        {options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
      <Error id={id} text={error} />
    </div>
  );
}

function YesNo({ name, label, value, onChange, error }) {
  return (
    <fieldset className="field" role="radiogroup" aria-required="true" aria-invalid={error ? true : undefined}
      aria-describedby={error ? `${name}-error` : undefined}>
      <legend>{label}<span aria-hidden="true"> *</span></legend>
      {['Yes', 'No'].map((answer) => (
        <label key={answer}>
          <input type="radio" name={name} value={answer} checked={value === answer} onChange={(e) => onChange(e.target.value)} />
          {answer}
        </label>
      ))}
      <Error id={name} text={error} />
    </fieldset>
  );
}

function readFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result.slice(reader.result.indexOf(',') + 1));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function Contact({ form, set, errors }) {
  return (
    <>
      <Text id="first_name" label="First name" value={form.firstName} onChange={set('firstName')} required error={errors.firstName} autoComplete="given-name" />
      <Text id="last_name" label="Last name" value={form.lastName} onChange={set('lastName')} required error={errors.lastName} autoComplete="family-name" />
      <Text id="email" label="Email address" type="email" value={form.email} onChange={set('email')} required error={errors.email} autoComplete="email" />
      <Text id="phone" label="Phone number" type="tel" value={form.phone} onChange={set('phone')} required error={errors.phone} autoComplete="tel" />
    </>
  );
}

function Experience({ form, set, errors }) {
  return (
    <>
      <Choice id="country" label="Country of residence" options={COUNTRIES} value={form.country} onChange={set('country')} required error={errors.country} />
      <Text id="job_title" label="Current job title" value={form.title} onChange={set('title')} required error={errors.title} />
      <YesNo name="sponsorship" label="Will you now or in the future require visa sponsorship?" value={form.sponsorship} onChange={set('sponsorship')} error={errors.sponsorship} />
      <Text id="linkedin" label="LinkedIn profile" type="url" value={form.linkedin} onChange={set('linkedin')} />
      <div className="field">
        <label htmlFor="resume">Resume/CV<span aria-hidden="true"> *</span></label>
        {form.resume ? <p className="attached">Attached: {form.resume.name}</p> : null}
        <input id="resume" name="resume" type="file" accept=".pdf,.doc,.docx" aria-required="true" aria-invalid={errors.resume ? true : undefined}
          aria-describedby={errors.resume ? 'resume-error' : undefined}
          onChange={async (e) => {
            const file = e.target.files[0];
            set('resume')(file ? { name: file.name, size: file.size, type: file.type, data: await readFile(file) } : null);
          }} />
        <Error id="resume" text={errors.resume} />
      </div>
    </>
  );
}

function Questions({ form, set, errors }) {
  return (
    <>
      <YesNo name="authorized" label="Are you legally authorized to work in the United States?" value={form.authorized} onChange={set('authorized')} error={errors.authorized} />
      <h3>Voluntary self-identification</h3>
      <Choice id="gender" label="Gender" options={GENDERS} value={form.gender} onChange={set('gender')} />
      <Choice id="veteran" label="Veteran status" options={VETERAN} value={form.veteran} onChange={set('veteran')} />
    </>
  );
}

const STEP_VIEWS = [Contact, Experience, Questions];

function Review({ form }) {
  return (
    <dl className="review">
      {STEPS.flatMap((step) => step.fields).map(([key, label]) => (
        <div key={key}>
          <dt>{label}</dt>
          <dd data-field={key}>{key === 'resume' ? form.resume?.name ?? '' : form[key]}</dd>
        </div>
      ))}
    </dl>
  );
}

function App() {
  const [form, setForm] = useState(EMPTY);
  const [step, setStep] = useState(0);
  const [errors, setErrors] = useState({});
  const [sent, setSent] = useState(null);
  const heading = useRef(null);
  const set = (key) => (value) => setForm((current) => ({ ...current, [key]: value }));
  const go = (to) => {
    setErrors({});
    setStep(to);
    queueMicrotask(() => heading.current?.focus());
  };

  const next = () => {
    const found = errorsOf(step, form);
    setErrors(found);
    if (Object.keys(found).length === 0) go(step + 1);
  };

  const onSubmit = async (event) => {
    event.preventDefault();
    if (step !== REVIEW) return next();
    const response = await fetch('/applications', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ form: 'wizard', answers: form }),
    });
    setSent(response.ok ? 'ok' : `The application could not be sent (HTTP ${response.status}). Try again.`);
  };

  if (sent === 'ok') {
    return <main><h1 tabIndex={-1}>Thank you for applying</h1><p>We received your application for Site Reliability Engineer.</p></main>;
  }
  const errorCount = Object.keys(errors).length;
  const View = STEP_VIEWS[step];
  return (
    <main>
      <h1>Site Reliability Engineer</h1>
      <ol className="steps" aria-label="Application progress">
        {[...STEPS.map((s) => s.title), 'Review'].map((title, i) => (
          <li key={title} aria-current={i === step ? 'step' : undefined}>{title}</li>
        ))}
      </ol>
      <form id="application" noValidate onSubmit={onSubmit}>
        <h2 ref={heading} tabIndex={-1}>{step === REVIEW ? 'Review' : STEPS[step].title}</h2>
        <p className="progress">Step {step + 1} of {STEPS.length + 1}</p>
        {errorCount ? <div className="error-summary" role="alert">Please fix {errorCount} error{errorCount === 1 ? '' : 's'} before you continue.</div> : null}
        {sent ? <div className="error-summary" role="alert">{sent}</div> : null}
        {step === REVIEW ? <Review form={form} /> : <View form={form} set={set} errors={errors} />}
        <div className="actions">
          {step > 0 ? <button type="button" onClick={() => go(step - 1)}>Back</button> : null}
          {/* Keys: React would otherwise turn the clicked Next into the Submit button mid-click, which then submits. */}
          {step === REVIEW ? <button key="submit" type="submit">Submit application</button> : <button key="next" type="button" onClick={next}>Next</button>}
        </div>
      </form>
      <pre id="state" hidden>{JSON.stringify({ step, ...form, resume: form.resume && { name: form.resume.name, size: form.resume.size, type: form.resume.type } })}</pre>
    </main>
  );
}

createRoot(document.getElementById('root')).render(<App />);
