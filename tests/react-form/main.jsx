// A live application form as ATS vendors build them: controlled inputs, a react-select
// combobox, radios, a checkbox, a file input and a honeypot (not displayed). It shows its state as JSON
// (#state): what it would submit, which the e2e tests compare with the planned answers.
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import Select from 'react-select';

const COUNTRIES = ['Canada', 'Germany', 'India', 'United Kingdom', 'United States', 'United States Minor Outlying Islands']
  .map((name) => ({ value: name.toLowerCase().replace(/ /g, '-'), label: name }));

const EMPTY = {
  firstName: '',
  lastName: '',
  email: '',
  phone: '',
  linkedin: '',
  country: null,
  sponsorship: '',
  authorized: false,
  whyUs: '',
  resume: null,
  website: '',
};

function Text({ id, label, type = 'text', value, onChange, required }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}{required ? ' *' : ''}</label>
      <input id={id} name={id} type={type} value={value} required={required} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

function App() {
  const [form, setForm] = useState(EMPTY);
  const [submitted, setSubmitted] = useState(0);
  const set = (key) => (value) => setForm((current) => ({ ...current, [key]: value }));

  const onSubmit = (event) => {
    event.preventDefault();
    setSubmitted((n) => n + 1);
  };

  return (
    <form id="application" onSubmit={onSubmit}>
      <h1>Platform Engineer</h1>
      <Text id="first_name" label="First name" value={form.firstName} onChange={set('firstName')} required />
      <Text id="last_name" label="Last name" value={form.lastName} onChange={set('lastName')} required />
      <Text id="email" label="Email" type="email" value={form.email} onChange={set('email')} required />
      <Text id="phone" label="Phone" type="tel" value={form.phone} onChange={set('phone')} />
      <Text id="linkedin" label="LinkedIn profile" type="url" value={form.linkedin} onChange={set('linkedin')} />
      <div className="field">
        <label htmlFor="country">Country *</label>
        <Select inputId="country" name="country" options={COUNTRIES} value={form.country} onChange={set('country')} />
      </div>
      <fieldset>
        <legend>Will you now or in the future require sponsorship for employment visa status? *</legend>
        {['Yes', 'No'].map((answer) => (
          <label key={answer}>
            <input type="radio" name="sponsorship" value={answer.toLowerCase()} checked={form.sponsorship === answer.toLowerCase()}
              onChange={(e) => set('sponsorship')(e.target.value)} />
            {answer}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label>
          <input type="checkbox" name="authorized" checked={form.authorized} onChange={(e) => set('authorized')(e.target.checked)} />
          I am legally authorized to work in the United States
        </label>
      </div>
      <div className="field">
        <label htmlFor="why_us">Why do you want to work at Hooli?</label>
        <textarea id="why_us" name="why_us" value={form.whyUs} onChange={(e) => set('whyUs')(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="resume">Resume/CV *</label>
        <input id="resume" name="resume" type="file" accept=".pdf"
          onChange={(e) => {
            const file = e.target.files[0];
            set('resume')(file ? { name: file.name, size: file.size, type: file.type } : null);
          }} />
      </div>
      <div style={{ display: 'none' }}>
        <label htmlFor="website">Website</label>
        <input id="website" name="website_hp" type="text" tabIndex={-1} autoComplete="off" value={form.website} onChange={(e) => set('website')(e.target.value)} />
      </div>
      <button type="submit">Submit application</button>
      <pre id="state">{JSON.stringify({ ...form, submitted })}</pre>
    </form>
  );
}

createRoot(document.getElementById('root')).render(<App />);
