//! Resumes and cover letters as PDF: a typed JSON Resume, tailored for the posting when there
//! is one (`shared::resume::Tailored`: relevance order, then the one-page rule), rendered into
//! one of the templates in `companion/templates/resume/` and compiled offline by the `tex`
//! engine.
//!
//! [`build`] is what a job calls; the command line (`companion resume build`) is a thin caller.

use shared::resume::{Dropped, Posting, Resume, Tailored};

use super::render;
use crate::error::{Error, Result};
use crate::tex::{Engine, Pdf, Timings};

/// What a template makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Resume,
    CoverLetter,
}

/// A template: its name, a one-line description, its LaTeX preamble.
#[derive(Debug)]
pub struct Template {
    pub name: &'static str,
    pub description: &'static str,
    pub kind: Kind,
    preamble: &'static str,
}

const COMMON: &str = include_str!("../../templates/resume/common.tex");

pub const TEMPLATES: &[Template] = &[
    Template {
        name: "classic",
        description: "One serif column, centred name, ruled headings; read in order by ATS parsers",
        kind: Kind::Resume,
        preamble: include_str!("../../templates/resume/classic.tex"),
    },
    Template {
        name: "modern",
        description: "Sans-serif with a teal accent and clear hierarchy; still one column in reading order",
        kind: Kind::Resume,
        preamble: include_str!("../../templates/resume/modern.tex"),
    },
    Template {
        name: "cover-letter",
        description: "A one-page letter from the profile, a posting and the letter's text",
        kind: Kind::CoverLetter,
        preamble: include_str!("../../templates/resume/cover-letter.tex"),
    },
];

/// The template of that name, or an error naming the known ones.
pub fn template(name: &str) -> Result<&'static Template> {
    TEMPLATES.iter().find(|t| t.name == name).ok_or_else(|| {
        let known: Vec<&str> = TEMPLATES.iter().map(|t| t.name).collect();
        Error::BadRequest(format!(
            "there is no template called {name:?}; the templates are {}",
            known.join(", ")
        ))
    })
}

/// What to build: the profile, optionally the posting it is for, and for a cover letter its
/// text.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub template: &'a str,
    pub resume: &'a Resume,
    /// The posting it is for. A resume for a posting is tailored to it and kept to one page;
    /// without one, the whole profile is built as written, on as many pages as it takes.
    pub posting: Option<&'a Posting>,
    pub letter: Option<&'a str>,
}

/// A built PDF and its page count (the one-page rule reads it).
#[derive(Debug, Clone)]
pub struct Built {
    pub pdf: Vec<u8>,
    pub pages: u32,
    pub template: &'static str,
    /// Where the (last) compile's time went.
    pub timings: Timings,
    /// The bullets the one-page rule left out, least relevant first.
    pub dropped: Vec<Dropped>,
}

/// Builds the PDF. `on_note` hears about slow steps (the first compile makes the format).
pub async fn build(
    engine: &Engine,
    request: Request<'_>,
    on_note: &(dyn Fn(&str) + Sync),
) -> Result<Built> {
    let template = template(request.template)?;
    let (pdf, dropped) = match (template.kind, request.posting) {
        (Kind::Resume, Some(posting)) => {
            let tailored = tailored(request.resume, Some(posting));
            let (pdf, fitted) = one_page(engine, template, tailored, on_note).await?;
            (pdf, fitted.dropped().to_vec())
        }
        _ => {
            let source = source(template, request, &today())?;
            (engine.compile(&source, on_note).await?, Vec::new())
        }
    };
    Ok(Built {
        pdf: pdf.bytes,
        pages: pdf.pages,
        template: template.name,
        timings: pdf.timings,
        dropped,
    })
}

/// The profile for a posting: each entry's bullets and the skills in order of relevance to it
/// (keyword overlap); without a posting, as written.
pub fn tailored(resume: &Resume, posting: Option<&Posting>) -> Tailored {
    Tailored::new(resume, posting)
}

/// The one-page rule: the tailored resume with the fewest of its least relevant bullets left
/// out that fits on one page. Fonts and spacing stay as the template sets them (nothing is
/// shrunk to fit); only bullets go, in `Tailored::drop_least_relevant`'s order, so the number
/// left out is found by bisection over that order: a few compiles, not one per bullet.
async fn one_page(
    engine: &Engine,
    template: &Template,
    tailored: Tailored,
    on_note: &(dyn Fn(&str) + Sync),
) -> Result<(Pdf, Tailored)> {
    let compile = |resume: &Resume| {
        let source = document(template, &render::resume_body(resume));
        async move { engine.compile(&source, on_note).await }
    };
    let whole = compile(tailored.resume()).await?;
    if whole.pages <= 1 {
        return Ok((whole, tailored));
    }
    let mut shortest = tailored.clone();
    while shortest.drop_least_relevant().is_some() {}
    let most = shortest.dropped().len();
    let mut fits = compile(shortest.resume()).await?;
    if fits.pages > 1 {
        return Err(Error::Unprocessable(format!(
            "this profile does not fit on one page for the posting: even with {most} of its \
             least relevant bullets left out it takes {} pages, and the text is never made \
             smaller to fit. Shorten the summary or the older entries, or build it without a \
             posting",
            fits.pages
        )));
    }
    // Too long with `too_long` bullets left out, one page with `enough`.
    let (mut too_long, mut enough) = (0, most);
    while enough - too_long > 1 {
        let middle = too_long + (enough - too_long) / 2;
        let candidate = without(&tailored, middle);
        let pdf = compile(candidate.resume()).await?;
        if pdf.pages <= 1 {
            (enough, fits, shortest) = (middle, pdf, candidate);
        } else {
            too_long = middle;
        }
    }
    Ok((fits, shortest))
}

/// `tailored` with its `count` least relevant bullets left out.
fn without(tailored: &Tailored, count: usize) -> Tailored {
    let mut shorter = tailored.clone();
    for _ in 0..count {
        shorter.drop_least_relevant();
    }
    shorter
}

/// The whole LaTeX document. `date` is the letter's date line.
pub fn source(template: &Template, request: Request<'_>, date: &str) -> Result<String> {
    let body = match template.kind {
        Kind::Resume => render::resume_body(tailored(request.resume, request.posting).resume()),
        Kind::CoverLetter => {
            let letter = request
                .letter
                .filter(|l| !l.trim().is_empty())
                .ok_or_else(|| {
                    Error::BadRequest(
                        "a cover letter needs the letter's text (--letter FILE)".into(),
                    )
                })?;
            render::letter_body(request.resume, request.posting, letter, date)
        }
    };
    Ok(document(template, &body))
}

fn document(template: &Template, body: &str) -> String {
    let preamble = template
        .preamble
        .replace("\\input{autoresume-common.tex}\n", COMMON);
    format!("{preamble}\\begin{{document}}\n{body}\\end{{document}}\n")
}

/// Today as `8 December 2026` (UTC).
fn today() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(i64::try_from(now).unwrap_or(0), 0)
        .map(|t| t.format("%-d %B %Y").to_string())
        .unwrap_or_default()
}

/// Reads a profile file: a plain JSON Resume or the app's profile export. The resume is
/// checked against the JSON Resume schema first (every problem listed).
pub fn read_profile(text: &str) -> Result<Resume> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| Error::BadRequest(format!("the profile is not JSON: {e}")))?;
    let resume = if value.get("format").is_some() {
        shared::profile::ProfileExport::parse(text)
            .map_err(|problems| Error::invalid("the profile export", problems))?
            .resume
    } else {
        value
    };
    crate::profile::check_resume(&resume)?;
    Resume::from_value(&resume)
        .map_err(|e| Error::BadRequest(format!("the resume cannot be read: {e}")))
}

/// Reads a posting file (JSON Resume's job schema).
pub fn read_posting(text: &str) -> Result<Posting> {
    serde_json::from_str(text)
        .map_err(|e| Error::BadRequest(format!("the posting is not a JSON Resume job: {e}")))
}
