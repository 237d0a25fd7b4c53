//! Resumes: a typed, lenient reading of a JSON Resume and of a posting (JSON Resume's job
//! schema, or a saved posting), the input of the resume builder and its tailoring.
//!
//! The profile stores the JSON Resume as the user wrote it (schema-checked by the companion);
//! this reading takes what a resume shows and ignores the rest, so that older documents (v0
//! names such as `website`, `picture`, `company`) build as well as current ones.
//!
//! Tailoring for a posting (`tailor`: relevance order and the one-page rule), the validator
//! (`validate`: a resume may state only what the profile states) and the model's rewording
//! (`reword`, its pure part) build on this reading.

mod bullets;
mod claims;
pub mod latex;
mod model;
pub mod reword;
mod tailor;
mod validate;
mod words;

pub use bullets::{BulletId, Section};
pub use model::{
    Award, Basics, Certificate, Education, Interest, Language, Location, Posting, Profile, Project,
    Publication, Resume, Skill, Volunteer, Work,
};
pub use tailor::{Dropped, KeywordOverlap, Relevance, Score, Tailored};
pub use validate::{Claim, Violation, Violations, validate};
