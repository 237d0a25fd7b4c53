//! Resumes for a posting. The pure work (relevance, the one-page rule, the validator, the LaTeX
//! escaper) is `shared::resume`; here is what needs the companion: the PDF build through the
//! `tex` engine (feature `tex`) and the model's rewording.

#[cfg(feature = "tex")]
mod pdf;
#[cfg(feature = "tex")]
mod render;
pub mod reword;

#[cfg(feature = "tex")]
pub use pdf::{
    Built, Kind, Request, TEMPLATES, Template, build, read_posting, read_profile, source, tailored,
    template,
};
