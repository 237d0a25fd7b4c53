//! Answers the user wrote once to questions forms keep asking ("Why do you want to work
//! here?"), matched later by the planner on the question text and tags.

use serde::{Deserialize, Serialize};

use super::{FieldError, Problems};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FreeAnswer {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub question: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 10000))]
    pub answer: String,
    /// Short labels such as `motivation` or `cover-letter`.
    #[serde(default)]
    pub tags: Vec<String>,
}

const MAX_QUESTION_CHARS: usize = 500;
const MAX_ANSWER_CHARS: usize = 10_000;
const MAX_TAGS: usize = 20;
const MAX_TAG_CHARS: usize = 40;

impl FreeAnswer {
    /// Trims the texts, drops empty and repeated tags.
    pub fn normalized(mut self) -> FreeAnswer {
        self.question = self.question.trim().to_owned();
        self.answer = self.answer.trim().to_owned();
        let mut tags: Vec<String> = Vec::new();
        for tag in self.tags {
            let tag = tag.trim().to_lowercase();
            if !tag.is_empty() && !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        self.tags = tags;
        self
    }

    /// Checks lengths; `prefix` is where the answer sits in a larger document.
    pub fn validate_at(&self, prefix: &str) -> Result<(), Problems> {
        let mut problems = Vec::new();
        let mut check = |field: &str, text: &str, max: usize| {
            // The limit counts what was sent, as the API schema's maxLength does.
            if text.trim().is_empty() || text.chars().count() > max {
                problems.push(FieldError {
                    path: format!("{prefix}{field}"),
                    message: format!("must be 1 to {max} characters"),
                });
            }
        };
        check("question", &self.question, MAX_QUESTION_CHARS);
        check("answer", &self.answer, MAX_ANSWER_CHARS);
        if self.tags.len() > MAX_TAGS {
            problems.push(FieldError {
                path: format!("{prefix}tags"),
                message: format!("at most {MAX_TAGS} tags"),
            });
        }
        for (i, tag) in self.tags.iter().enumerate() {
            if tag.chars().count() > MAX_TAG_CHARS {
                problems.push(FieldError {
                    path: format!("{prefix}tags[{i}]"),
                    message: format!("at most {MAX_TAG_CHARS} characters"),
                });
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Problems(problems))
        }
    }
}
