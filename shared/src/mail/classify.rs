//! Category and tone from the rules that fire; company and role from [`super::company`].

use serde::Serialize;

use super::category::Category;
use super::company;
use super::parse::{Mail, ParseError, parse};
use super::rules::{Rules, RulesError, Target};
use super::text::normalise;

/// What one message says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    pub category: Category,
    pub company: Option<String>,
    pub role: Option<String>,
    /// From -1 (bad news) to 1 (good news), two decimals.
    pub sentiment: f64,
    /// The ids of the category rules that fired: why the category and sentiment are what
    /// they are.
    pub rules: Vec<String>,
}

/// The compiled rules. Build once and share: classifying allocates only the message's
/// normalised text and the result.
#[derive(Debug)]
pub struct Classifier {
    rules: Rules,
}

impl Classifier {
    /// The built-in rules only.
    pub fn builtin() -> Result<Self, RulesError> {
        Self::with_rules(None)
    }

    /// The built-in rules extended by the text of a user's rule file.
    pub fn with_rules(extra: Option<&str>) -> Result<Self, RulesError> {
        Ok(Self {
            rules: Rules::load(extra)?,
        })
    }

    /// Parses and classifies a raw message (with headers, or a bare body).
    pub fn classify_raw(&self, raw: &[u8]) -> Result<Classification, ParseError> {
        parse(raw).map(|mail| self.classify(&mail))
    }

    pub fn classify(&self, mail: &Mail) -> Classification {
        let text = normalise(mail.subject.as_deref(), &mail.body);
        let subject = match mail.subject {
            Some(_) => text.split('\n').next().unwrap_or_default(),
            None => "",
        };
        let mut scores = [0f32; Category::ALL.len()];
        let mut job_context = false;
        let mut sentiment = 0f32;
        let mut fired = Vec::new();
        let open = self.rules.gate.open(&text);
        for rule in &self.rules.rules {
            if !open.has(rule.slot) || !rule.regex.is_match(text.as_bytes()) {
                continue;
            }
            match rule.target {
                Target::Job => job_context = true,
                Target::Category(category) => {
                    scores[category.index()] += rule.weight;
                    sentiment += rule.sentiment;
                    fired.push(rule.id.clone());
                }
            }
        }
        let category = if job_context {
            pick(&scores, self.rules.threshold)
        } else {
            Category::Other
        };
        Classification {
            category,
            company: company::find(&self.rules.company, &open, mail, subject, &text),
            role: company::role(&self.rules.roles, &open, subject, &text),
            sentiment: (f64::from(sentiment.clamp(-1.0, 1.0)) * 100.0).round() / 100.0,
            rules: fired,
        }
    }
}

/// The highest score at the threshold or above; ties go to the category listed first.
fn pick(scores: &[f32; Category::ALL.len()], threshold: f32) -> Category {
    let mut best: Option<(Category, f32)> = None;
    for category in Category::ALL {
        let score = scores[category.index()];
        if score >= threshold && best.is_none_or(|(_, high)| score > high) {
            best = Some((category, score));
        }
    }
    best.map_or(Category::Other, |(category, _)| category)
}
