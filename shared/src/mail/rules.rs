//! The rule file ([`rules.toml`](rules.toml) plus a user's own) and its compiled form.

use std::collections::HashSet;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use super::category::Category;
use super::gate::{Gate, Syntax};

const BUILTIN: &str = include_str!("rules.toml");

/// A capitalised name of one to five words, e.g. "Palo Alto Networks", "YinzCam, Inc.",
/// "DICK'S Sporting Goods", "Procter & Gamble".
const NAME: &str = r"(?P<name>(?:[A-Z0-9]|[a-z][A-Z])[\w&'°@+-]*(?:\.[\w&'°@+-]+)*(?:,?[ ](?:Inc|LLC|Ltd|LP|Corp|GmbH|AG|SA|BV|plc)\b\.?)?(?:[ ](?:&[ ]|of[ ]|for[ ]|and[ ]|de[ ])?[A-Z0-9][\w&'°@+-]*(?:\.[\w&'°@+-]+)*(?:,?[ ](?:Inc|LLC|Ltd|LP|Corp|GmbH|AG|SA|BV|plc)\b\.?)?){0,4})";

#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("mail rules: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("mail rule {id}: {message}")]
    Rule { id: String, message: String },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    threshold: Option<f32>,
    #[serde(default)]
    rule: Vec<RuleDef>,
    #[serde(default)]
    company: CompanyDef,
    #[serde(default)]
    role: Vec<PatternDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDef {
    id: String,
    /// A category, or "job" for the job context.
    category: String,
    #[serde(default)]
    weight: f32,
    #[serde(default)]
    sentiment: f32,
    pattern: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompanyDef {
    #[serde(default)]
    relay_domains: Vec<String>,
    #[serde(default)]
    free_mail_domains: Vec<String>,
    #[serde(default)]
    team_words: Vec<String>,
    #[serde(default)]
    not_companies: Vec<String>,
    #[serde(default)]
    role_words: Vec<String>,
    #[serde(default)]
    leading_words: Vec<String>,
    #[serde(default)]
    pattern: Vec<PatternDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternDef {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    weight: f32,
    #[serde(rename = "in", default)]
    field: Field,
    pattern: String,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    #[default]
    Any,
    Subject,
}

/// What a fired category rule adds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Job,
    Category(Category),
}

#[derive(Debug)]
pub struct Rule {
    pub id: String,
    /// Its index in [`Rules::gate`].
    pub slot: usize,
    pub regex: regex::bytes::Regex,
    pub target: Target,
    pub weight: f32,
    pub sentiment: f32,
}

#[derive(Debug)]
pub struct Pattern {
    /// Its index in [`Rules::gate`].
    pub slot: usize,
    pub weight: f32,
    pub field: Field,
    pub regex: Regex,
}

/// Every rule compiled once.
#[derive(Debug)]
pub struct Rules {
    /// Which of the category rules, company and role patterns can match a message.
    pub gate: Gate,
    pub threshold: f32,
    pub rules: Vec<Rule>,
    pub company: CompanyRules,
    pub roles: Vec<Pattern>,
}

#[derive(Debug)]
pub struct CompanyRules {
    pub relay_domains: Vec<String>,
    pub free_mail_domains: HashSet<String>,
    pub team_words: HashSet<String>,
    pub not_companies: HashSet<String>,
    pub role_words: HashSet<String>,
    pub leading_words: HashSet<String>,
    pub patterns: Vec<Pattern>,
}

impl Rules {
    /// The built-in rules, extended by `extra` (the text of a user's rule file) if given.
    pub fn load(extra: Option<&str>) -> Result<Self, RulesError> {
        let mut file: RuleFile = toml::from_str(BUILTIN)?;
        if let Some(extra) = extra {
            let extra: RuleFile = toml::from_str(extra)?;
            file.extend(extra);
        }
        file.compile()
    }
}

impl RuleFile {
    fn extend(&mut self, other: RuleFile) {
        self.threshold = other.threshold.or(self.threshold);
        self.rule.extend(other.rule);
        self.role.extend(other.role);
        let (mine, theirs) = (&mut self.company, other.company);
        mine.relay_domains.extend(theirs.relay_domains);
        mine.free_mail_domains.extend(theirs.free_mail_domains);
        mine.team_words.extend(theirs.team_words);
        mine.not_companies.extend(theirs.not_companies);
        mine.role_words.extend(theirs.role_words);
        mine.leading_words.extend(theirs.leading_words);
        mine.pattern.extend(theirs.pattern);
    }

    fn compile(self) -> Result<Rules, RulesError> {
        let mut gated = Vec::new();
        let mut rules = Vec::with_capacity(self.rule.len());
        for def in &self.rule {
            let error = |message: String| RulesError::Rule {
                id: def.id.clone(),
                message,
            };
            let target = match def.category.as_str() {
                "job" => Target::Job,
                other => Target::Category(other.parse().map_err(error)?),
            };
            // One regex per rule rather than one set: each gets its own literal prefilter
            // and DFA, many times faster than an overlapping search of a large set. ASCII
            // classes keep the automata small; the text has straight quotes already.
            let regex = regex::bytes::RegexBuilder::new(&def.pattern)
                .case_insensitive(true)
                .unicode(false)
                .size_limit(16 << 20)
                .dfa_size_limit(16 << 20)
                .build()
                .map_err(|e| error(e.to_string()))?;
            gated.push((def.pattern.clone(), Syntax::Bytes));
            rules.push(Rule {
                id: def.id.clone(),
                slot: gated.len() - 1,
                regex,
                target,
                weight: def.weight,
                sentiment: def.sentiment,
            });
        }
        let company = self.company;
        let lower = |words: Vec<String>| words.into_iter().map(|w| w.to_lowercase()).collect();
        let company_patterns = compile_patterns(company.pattern, "company", &mut gated)?;
        let roles = compile_patterns(self.role, "role", &mut gated)?;
        let gate_patterns: Vec<(&str, Syntax)> = gated
            .iter()
            .map(|(p, syntax)| (p.as_str(), *syntax))
            .collect();
        Ok(Rules {
            gate: Gate::new(&gate_patterns),
            threshold: self.threshold.unwrap_or(2.5),
            rules,
            company: CompanyRules {
                relay_domains: company.relay_domains,
                free_mail_domains: lower(company.free_mail_domains),
                team_words: lower(company.team_words),
                not_companies: lower(company.not_companies),
                role_words: lower(company.role_words),
                leading_words: lower(company.leading_words),
                patterns: company_patterns,
            },
            roles,
        })
    }
}

/// `\b` as an ASCII word boundary: a Unicode one keeps the regex engine off its fast DFA
/// for any text with a non-ASCII letter (most mail), many times slower.
fn ascii_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

/// Compiles `defs` and adds their final text to `gated`, the patterns the gate reads.
fn compile_patterns(
    defs: Vec<PatternDef>,
    kind: &str,
    gated: &mut Vec<(String, Syntax)>,
) -> Result<Vec<Pattern>, RulesError> {
    defs.into_iter()
        .enumerate()
        .map(|(i, def)| {
            let id = def.id.unwrap_or_else(|| format!("{kind}.{i}"));
            let pattern = ascii_boundaries(&def.pattern.replace("{name}", NAME));
            let regex = RegexBuilder::new(&pattern)
                .size_limit(16 << 20)
                .dfa_size_limit(16 << 20)
                .build()
                .map_err(|e| RulesError::Rule {
                    id,
                    message: e.to_string(),
                })?;
            gated.push((pattern, Syntax::Unicode));
            Ok(Pattern {
                slot: gated.len() - 1,
                weight: def.weight,
                field: def.field,
                regex,
            })
        })
        .collect()
}
