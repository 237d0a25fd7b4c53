//! Resumes: a typed, lenient reading of a JSON Resume and of a posting (JSON Resume's job
//! schema, or a saved posting), the input of the resume builder and its tailoring.
//!
//! The profile stores the JSON Resume as the user wrote it (schema-checked by the companion);
//! this reading takes what a resume shows and ignores the rest, so that older documents (v0
//! names such as `website`, `picture`, `company`) build as well as current ones.

pub mod latex;
mod model;

pub use model::{
    Award, Basics, Certificate, Education, Interest, Language, Location, Posting, Profile, Project,
    Publication, Resume, Skill, Volunteer, Work,
};
