//! Resumes and cover letters as PDF: a typed JSON Resume rendered into one of the templates in
//! `companion/templates/resume/` and compiled offline by the `tex` engine.
//!
//! [`build`] is what a job calls; the command line (`companion resume build`) is a thin caller.

mod render;

use shared::resume::{Posting, Resume};

use crate::error::{Error, Result};
use crate::tex::{Engine, Timings};

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
    pub posting: Option<&'a Posting>,
    pub letter: Option<&'a str>,
}

/// A built PDF and its page count (the one-page rule reads it).
#[derive(Debug, Clone)]
pub struct Built {
    pub pdf: Vec<u8>,
    pub pages: u32,
    pub template: &'static str,
    /// Where the compile's time went.
    pub timings: Timings,
}

/// Builds the PDF. `on_note` hears about slow steps (the first compile makes the format).
pub async fn build(
    engine: &Engine,
    request: Request<'_>,
    on_note: &(dyn Fn(&str) + Sync),
) -> Result<Built> {
    let template = template(request.template)?;
    let source = source(template, request, &today())?;
    let pdf = engine.compile(&source, on_note).await?;
    Ok(Built {
        pdf: pdf.bytes,
        pages: pdf.pages,
        template: template.name,
        timings: pdf.timings,
    })
}

/// The whole LaTeX document. `date` is the letter's date line.
pub fn source(template: &Template, request: Request<'_>, date: &str) -> Result<String> {
    let body = match template.kind {
        Kind::Resume => render::resume_body(&tailored(request.resume, request.posting)),
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
    let preamble = template
        .preamble
        .replace("\\input{autoresume-common.tex}\n", COMMON);
    Ok(format!(
        "{preamble}\\begin{{document}}\n{body}\\end{{document}}\n"
    ))
}

/// The seam for tailoring to a posting (relevance order, one-page selection): until that
/// lands, the whole profile is built as written.
fn tailored(resume: &Resume, _posting: Option<&Posting>) -> Resume {
    resume.clone()
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
