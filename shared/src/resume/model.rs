use serde::{Deserialize, Serialize};

/// A JSON Resume as the builder reads it. Every field is optional: a missing section is empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Resume {
    pub basics: Basics,
    pub work: Vec<Work>,
    pub volunteer: Vec<Volunteer>,
    pub education: Vec<Education>,
    pub awards: Vec<Award>,
    pub certificates: Vec<Certificate>,
    pub publications: Vec<Publication>,
    pub skills: Vec<Skill>,
    pub languages: Vec<Language>,
    pub interests: Vec<Interest>,
    pub projects: Vec<Project>,
}

impl Resume {
    /// Reads a stored JSON Resume. Values of the wrong type are an error naming their path,
    /// since a resume built from half a document would silently drop the user's claims.
    pub fn from_value(value: &serde_json::Value) -> Result<Resume, String> {
        serde_path_to_error::deserialize(value).map_err(|e| format!("{}: {}", e.path(), e.inner()))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Basics {
    pub name: String,
    pub label: String,
    #[serde(alias = "picture")]
    pub image: String,
    pub email: String,
    pub phone: String,
    #[serde(alias = "website")]
    pub url: String,
    pub summary: String,
    pub location: Location,
    pub profiles: Vec<Profile>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Location {
    pub address: String,
    pub postal_code: String,
    pub city: String,
    pub country_code: String,
    pub region: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Profile {
    pub network: String,
    pub username: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Work {
    /// The employer (`company` in JSON Resume before v1).
    #[serde(alias = "company")]
    pub name: String,
    pub position: String,
    pub location: String,
    pub description: String,
    #[serde(alias = "website")]
    pub url: String,
    pub start_date: String,
    pub end_date: String,
    pub summary: String,
    pub highlights: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Volunteer {
    pub organization: String,
    pub position: String,
    #[serde(alias = "website")]
    pub url: String,
    pub start_date: String,
    pub end_date: String,
    pub summary: String,
    pub highlights: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Education {
    pub institution: String,
    pub url: String,
    pub area: String,
    pub study_type: String,
    pub start_date: String,
    pub end_date: String,
    /// `grade` in JSON Resume before v1.
    #[serde(alias = "gpa", alias = "grade")]
    pub score: String,
    pub courses: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Award {
    pub title: String,
    pub date: String,
    pub awarder: String,
    pub summary: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Certificate {
    pub name: String,
    pub date: String,
    pub issuer: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Publication {
    pub name: String,
    pub publisher: String,
    pub release_date: String,
    #[serde(alias = "website")]
    pub url: String,
    pub summary: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Skill {
    pub name: String,
    pub level: String,
    pub keywords: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Language {
    pub language: String,
    pub fluency: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Interest {
    pub name: String,
    pub keywords: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Project {
    pub name: String,
    pub description: String,
    pub highlights: Vec<String>,
    pub keywords: Vec<String>,
    pub start_date: String,
    pub end_date: String,
    pub url: String,
    pub roles: Vec<String>,
    pub entity: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// The posting a resume is tailored for: JSON Resume's job schema (`title`, `company`,
/// `description`, `responsibilities`, `qualifications`, `skills`), which a saved posting maps
/// onto too.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Posting {
    pub title: String,
    pub company: String,
    pub description: String,
    pub responsibilities: Vec<String>,
    pub qualifications: Vec<String>,
    pub skills: Vec<Skill>,
}

impl Posting {
    /// All of the posting's words in one text, for relevance scoring.
    pub fn text(&self) -> String {
        let skills = self.skills.iter().flat_map(|s| {
            std::iter::once(s.name.as_str()).chain(s.keywords.iter().map(String::as_str))
        });
        [self.title.as_str(), self.description.as_str()]
            .into_iter()
            .chain(self.responsibilities.iter().map(String::as_str))
            .chain(self.qualifications.iter().map(String::as_str))
            .chain(skills)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_current_and_older_names() {
        let resume = Resume::from_value(&json!({
            "$schema": "x",
            "basics": { "name": "Ada", "website": "https://ada.dev", "picture": "p.png" },
            "work": [{ "company": "Acme", "position": "Engineer", "highlights": ["Built X"] }],
            "education": [{ "institution": "Uni", "grade": "3.9" }],
            "meta": { "version": "v1" }
        }))
        .expect("reads");
        assert_eq!(resume.basics.url, "https://ada.dev");
        assert_eq!(resume.basics.image, "p.png");
        assert_eq!(resume.work[0].name, "Acme");
        assert_eq!(resume.education[0].score, "3.9");
        assert!(resume.projects.is_empty());
    }

    #[test]
    fn a_wrong_type_names_its_path() {
        let error = Resume::from_value(&json!({ "work": [{ "highlights": "one string" }] }))
            .expect_err("a string is not a list");
        assert!(error.starts_with("work[0].highlights"), "{error}");
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn corpus_file(name: &str) -> Option<String> {
        let dir = test_corpus::dir()?;
        Some(std::fs::read_to_string(dir.join("json_resume").join(name)).expect("corpus file"))
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn every_corpus_resume_reads() {
        for name in [
            "56kyle_resume_resume.json",
            "jsonresume_resume-schema_sample.resume.json",
            "jsonresume_resume-schema_examples_valid_complete.json",
        ] {
            let Some(text) = corpus_file(name) else {
                return;
            };
            let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            let resume = Resume::from_value(&value).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!resume.basics.name.is_empty(), "{name}");
            assert!(!resume.work.is_empty(), "{name}");
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn a_posting_reads_as_one_text() {
        let Some(text) = corpus_file("jsonresume_resume-schema_sample.job.json") else {
            return;
        };
        let posting: Posting = serde_json::from_str(&text).expect("JSON");
        assert_eq!(posting.company, "Microsoft");
        let all = posting.text();
        assert!(
            all.contains("Web Developer") && all.contains("MongoDB"),
            "{all}"
        );
    }
}
