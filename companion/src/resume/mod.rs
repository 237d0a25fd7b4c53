//! Resumes tailored for a posting. The pure work (relevance, the one-page rule, the
//! validator) is `shared::resume`; here is what needs the companion: the model's rewording.

pub mod reword;
