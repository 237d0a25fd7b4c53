//! `companion resume …`: build a resume or cover letter PDF, list the templates; and the hidden
//! `tex-bundle` step of the setup scripts, which traces every template into the offline bundle.

use std::path::{Path, PathBuf};
use std::time::Duration;

use companion::config::Config;
use companion::error::{Error, Result};
use companion::resume::{self, Kind, Request, TEMPLATES};
use companion::tex::{Engine, Settings};
use shared::resume::Posting;

/// The samples every template is traced (and benchmarked) with, besides the corpus resumes.
pub const SAMPLE_RESUME: &str = include_str!("../../templates/resume/samples/multilingual.json");
pub const SAMPLE_LETTER: &str = include_str!("../../templates/resume/samples/letter.txt");
/// The corpus's resumes (not its schema files) and posting.
const CORPUS_RESUMES: [&str; 3] = [
    "56kyle_resume_resume.json",
    "jsonresume_resume-schema_sample.resume.json",
    "jsonresume_resume-schema_examples_valid_complete.json",
];
const CORPUS_POSTING: &str = "jsonresume_resume-schema_sample.job.json";

pub fn engine(config: &Config) -> Result<Engine> {
    let program = std::env::current_exe()
        .map_err(|e| Error::Internal(format!("cannot find the companion binary: {e}")))?;
    Ok(Engine::new(Settings {
        program,
        bundle: PathBuf::from(&config.tex_bundle),
        format_dir: config.tex_format_dir(),
        timeout: Duration::from_secs(config.tex_timeout_secs),
    }))
}

pub fn templates() {
    let width = TEMPLATES.iter().map(|t| t.name.len()).max().unwrap_or(0);
    for template in TEMPLATES {
        println!("{:width$}  {}", template.name, template.description);
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::BadRequest(format!("cannot read {}: {e}", path.display())))
}

pub struct BuildArgs<'a> {
    pub profile: &'a Path,
    pub template: &'a str,
    pub job: Option<&'a Path>,
    pub letter: Option<&'a Path>,
    pub out: &'a Path,
}

pub async fn build(config: &Config, args: BuildArgs<'_>) -> Result<()> {
    resume::template(args.template)?;
    let resume =
        resume::read_profile(&read(args.profile)?).map_err(|e| in_file(args.profile, e))?;
    let posting = match args.job {
        Some(path) => Some(resume::read_posting(&read(path)?).map_err(|e| in_file(path, e))?),
        None => None,
    };
    let letter = args.letter.map(read).transpose()?;
    let engine = engine(config)?;
    let request = Request {
        template: args.template,
        resume: &resume,
        posting: posting.as_ref(),
        letter: letter.as_deref(),
    };
    let built = resume::build(&engine, request, &|note| eprintln!("{note}…")).await?;
    std::fs::write(args.out, &built.pdf)
        .map_err(|e| Error::BadRequest(format!("cannot write {}: {e}", args.out.display())))?;
    let plural = if built.pages == 1 { "" } else { "s" };
    eprintln!(
        "{}: {} page{plural}, {} bytes ({} template)",
        args.out.display(),
        built.pages,
        built.pdf.len(),
        built.template
    );
    if !built.dropped.is_empty() {
        let count = built.dropped.len();
        let (bullets, were) = if count == 1 {
            ("bullet", "was")
        } else {
            ("bullets", "were")
        };
        eprintln!(
            "to keep it to one page, the {count} {bullets} least relevant to the posting {were} \
             left out:"
        );
        for dropped in &built.dropped {
            eprintln!("  {}: {}", dropped.entry, dropped.text);
        }
    }
    Ok(())
}

/// Names the file an error is about (the schema problems list JSON paths inside it).
fn in_file(path: &Path, error: Error) -> Error {
    match error {
        Error::Invalid { detail, errors } => Error::Invalid {
            detail: format!("{}: {detail}", path.display()),
            errors,
        },
        Error::BadRequest(message) => Error::BadRequest(format!("{}: {message}", path.display())),
        other => other,
    }
}

/// The sample documents: every template with every sample profile.
pub fn samples(corpus: Option<&Path>) -> Result<Vec<(String, String)>> {
    let mut profiles = vec![(
        "multilingual".to_owned(),
        resume::read_profile(SAMPLE_RESUME)?,
    )];
    let mut posting = Posting::default();
    if let Some(dir) = corpus {
        for name in CORPUS_RESUMES {
            let resume = resume::read_profile(&read(&dir.join(name))?)?;
            profiles.push((name.to_owned(), resume));
        }
        posting = resume::read_posting(&read(&dir.join(CORPUS_POSTING))?)?;
    }
    let mut documents = Vec::new();
    for template in TEMPLATES {
        for (name, resume) in &profiles {
            let request = Request {
                template: template.name,
                resume,
                posting: Some(&posting),
                letter: (template.kind == Kind::CoverLetter).then_some(SAMPLE_LETTER),
            };
            let source = resume::source(template, request, "8 December 2026")?;
            documents.push((format!("{} with {name}", template.name), source));
        }
    }
    Ok(documents)
}

/// `companion tex-bundle`: traces the samples through Debian's TeX trees into `out`.
pub fn tex_bundle(out: &Path, corpus: Option<&Path>) -> Result<()> {
    let documents = samples(corpus)?;
    let trees: Vec<PathBuf> = companion::tex::bundle::DEBIAN_TREES
        .iter()
        .map(PathBuf::from)
        .collect();
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Internal(format!("creating {}: {e}", dir.display())))?;
    }
    let assembled = companion::tex::bundle::assemble(&trees, &documents, out)?;
    eprintln!(
        "{}: {} files, {:.1} MB uncompressed, from {} documents",
        out.display(),
        assembled.files,
        assembled.bytes as f64 / 1e6,
        documents.len()
    );
    Ok(())
}
