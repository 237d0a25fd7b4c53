//! Tailoring a profile for a posting: within each entry its bullets ordered by relevance to
//! the job, the skills ordered the same way, and a one-page rule that drops the least relevant
//! bullet. Entries keep their order (reordering jobs would misstate the career), and nothing
//! is added or changed: a tailored resume says what the profile says, in another order or
//! shorter.
//!
//! Relevance is a trait so that embeddings can replace keyword overlap later.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::words::terms;
use super::{BulletId, Posting, Resume, Section};

/// How well one item of the resume fits the posting, and the words of the item that made
/// it so (for a UI that shows why).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Score {
    pub value: f32,
    pub matched: Vec<String>,
}

/// Scores texts against a posting.
pub trait Relevance {
    /// One score per text, higher meaning closer to the posting. The texts are all the items
    /// of one resume, so that a scorer may discount what every item says.
    fn scores(&self, texts: &[&str]) -> Vec<Score>;
}

/// Relevance by the words a text shares with the posting: each shared word weighs more when
/// the posting repeats it or names it in its title, qualifications or skills, and less when
/// many items of the resume have it (like inverse document frequency); long texts are not
/// favoured for being long.
pub struct KeywordOverlap {
    weights: HashMap<String, f32>,
}

/// How much more a word of the posting's title, qualifications or skills weighs.
const STRESSED: f32 = 2.0;

impl KeywordOverlap {
    pub fn new(posting: &Posting) -> KeywordOverlap {
        let mut counts: HashMap<String, f32> = HashMap::new();
        for (term, _) in terms(&posting.text()) {
            *counts.entry(term).or_default() += 1.0;
        }
        let skills = posting.skills.iter().flat_map(|s| {
            std::iter::once(s.name.as_str()).chain(s.keywords.iter().map(String::as_str))
        });
        let stressed_text: Vec<&str> = std::iter::once(posting.title.as_str())
            .chain(posting.qualifications.iter().map(String::as_str))
            .chain(skills)
            .collect();
        let stressed: HashSet<String> = terms(&stressed_text.join("\n"))
            .into_iter()
            .map(|(term, _)| term)
            .collect();
        let weights = counts
            .into_iter()
            .map(|(term, count)| {
                let stress = if stressed.contains(&term) {
                    STRESSED
                } else {
                    1.0
                };
                let weight = (1.0 + count.ln()) * stress;
                (term, weight)
            })
            .collect();
        KeywordOverlap { weights }
    }
}

impl Relevance for KeywordOverlap {
    fn scores(&self, texts: &[&str]) -> Vec<Score> {
        let items: Vec<Vec<(String, &str)>> = texts.iter().map(|text| distinct(text)).collect();
        let mut items_with: HashMap<&str, f32> = HashMap::new();
        for item in &items {
            for (term, _) in item {
                *items_with.entry(term.as_str()).or_default() += 1.0;
            }
        }
        let all = texts.len() as f32;
        items
            .iter()
            .map(|item| {
                let mut score = Score::default();
                for (term, written) in item {
                    if let Some(weight) = self.weights.get(term) {
                        let rarity = ((all + 1.0) / items_with[term.as_str()]).ln();
                        score.value += weight * rarity;
                        score.matched.push(written.to_lowercase());
                    }
                }
                score.value /= (item.len().max(1) as f32).sqrt();
                score
            })
            .collect()
    }
}

/// A text's terms, each once, with the word first written for it.
fn distinct(text: &str) -> Vec<(String, &str)> {
    let mut seen = HashSet::new();
    terms(text)
        .into_iter()
        .filter(|(term, _)| seen.insert(term.clone()))
        .collect()
}

/// A bullet the one-page rule took out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dropped {
    pub section: Section,
    /// The employer, organisation or project it was under.
    pub entry: String,
    pub text: String,
    pub score: f32,
}

/// A profile tailored for one posting (see the module's note).
#[derive(Debug, Clone)]
pub struct Tailored {
    resume: Resume,
    /// Per section (in `Section::ALL` order), per entry, per bullet as ordered in `resume`.
    bullet_scores: [Vec<Vec<Score>>; 3],
    skill_scores: Vec<Score>,
    project_scores: Vec<Score>,
    dropped: Vec<Dropped>,
}

fn slot(section: Section) -> usize {
    match section {
        Section::Work => 0,
        Section::Volunteer => 1,
        Section::Projects => 2,
    }
}

impl Tailored {
    /// The profile tailored by keyword overlap with `posting`; without a posting, the
    /// profile as it is.
    pub fn new(profile: &Resume, posting: Option<&Posting>) -> Tailored {
        match posting {
            Some(posting) => Tailored::with(profile, &KeywordOverlap::new(posting)),
            None => Tailored::with(profile, &Indifferent),
        }
    }

    /// The profile tailored by any relevance.
    pub fn with(profile: &Resume, relevance: &dyn Relevance) -> Tailored {
        let mut resume = profile.clone();
        let bullets = profile.bullets();
        let skills: Vec<String> = profile
            .skills
            .iter()
            .map(|s| format!("{}: {}", s.name, s.keywords.join(", ")))
            .collect();
        let projects: Vec<String> = profile
            .projects
            .iter()
            .map(|p| {
                let parts = [&p.name, &p.description, &p.keywords.join(", ")];
                let mut text = parts.map(String::as_str).join("\n");
                for highlight in &p.highlights {
                    text.push('\n');
                    text.push_str(highlight);
                }
                text
            })
            .collect();
        let texts: Vec<&str> = bullets
            .iter()
            .map(|(_, text)| *text)
            .chain(skills.iter().map(String::as_str))
            .chain(projects.iter().map(String::as_str))
            .collect();
        let mut scores = relevance.scores(&texts).into_iter();
        let mut bullet_scores: [Vec<Vec<Score>>; 3] = Default::default();
        for section in Section::ALL {
            bullet_scores[slot(section)] = vec![Vec::new(); profile.entry_count(section)];
        }
        for (id, _) in &bullets {
            let score = scores.next().unwrap_or_default();
            bullet_scores[slot(id.section)][id.entry].push(score);
        }
        for section in Section::ALL {
            for (entry, entry_scores) in bullet_scores[slot(section)].iter_mut().enumerate() {
                if let Some(highlights) = resume.highlights_mut(section, entry) {
                    reorder(highlights, entry_scores);
                }
            }
        }
        let mut skill_scores: Vec<Score> = scores.by_ref().take(skills.len()).collect();
        skill_scores.resize(skills.len(), Score::default());
        reorder(&mut resume.skills, &mut skill_scores);
        let mut project_scores: Vec<Score> = scores.collect();
        project_scores.resize(projects.len(), Score::default());
        Tailored {
            resume,
            bullet_scores,
            skill_scores,
            project_scores,
            dropped: Vec::new(),
        }
    }

    pub fn resume(&self) -> &Resume {
        &self.resume
    }

    pub fn into_resume(self) -> Resume {
        self.resume
    }

    /// The score of a bullet of the tailored resume.
    pub fn score(&self, id: BulletId) -> Option<&Score> {
        self.bullet_scores[slot(id.section)]
            .get(id.entry)?
            .get(id.index)
    }

    /// One score per skill, in the tailored resume's order.
    pub fn skill_scores(&self) -> &[Score] {
        &self.skill_scores
    }

    /// One score per project (name, description, keywords and bullets together), in order.
    pub fn project_scores(&self) -> &[Score] {
        &self.project_scores
    }

    /// How many bullets are left.
    pub fn bullet_count(&self) -> usize {
        self.bullet_scores.iter().flatten().map(Vec::len).sum()
    }

    /// The bullets the one-page rule took out, first taken first.
    pub fn dropped(&self) -> &[Dropped] {
        &self.dropped
    }

    /// Takes out the least relevant bullet and says which, or None when nothing more may go.
    ///
    /// Only bullets ever go: employers, titles, dates, degrees and skills stay. While some
    /// entry has more than one bullet, every entry keeps at least one; after that, entries
    /// lose their last bullet too, except the newest job, which keeps one. Among equally
    /// relevant bullets, older entries' go first.
    pub fn drop_least_relevant(&mut self) -> Option<Dropped> {
        let bullets = self.resume.bullets();
        let left = |id: &BulletId| self.resume.highlights(id.section, id.entry).len();
        let spare: Vec<BulletId> = bullets
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| left(id) > 1)
            .collect();
        let newest_job = (0..self.resume.work.len()).max_by(|&a, &b| {
            let date = |entry| date_key(self.resume.entry_date(Section::Work, entry));
            date(a).cmp(&date(b)).then(b.cmp(&a))
        });
        let pool: Vec<BulletId> = if spare.is_empty() {
            bullets
                .iter()
                .map(|(id, _)| *id)
                .filter(|id| !(id.section == Section::Work && Some(id.entry) == newest_job))
                .collect()
        } else {
            spare
        };
        let value = |id: &BulletId| self.score(*id).map_or(0.0, |s| s.value);
        let date = |id: &BulletId| date_key(self.resume.entry_date(id.section, id.entry));
        let id = pool.into_iter().min_by(|a, b| {
            value(a)
                .total_cmp(&value(b))
                .then_with(|| date(a).cmp(&date(b)))
                .then_with(|| b.index.cmp(&a.index))
        })?;
        let entry = self.resume.entry_name(id.section, id.entry).to_owned();
        let text = self
            .resume
            .highlights_mut(id.section, id.entry)?
            .remove(id.index);
        let score = self.bullet_scores[slot(id.section)][id.entry].remove(id.index);
        let dropped = Dropped {
            section: id.section,
            entry,
            text,
            score: score.value,
        };
        self.dropped.push(dropped.clone());
        Some(dropped)
    }
}

/// No posting: every item alike, so every order stays.
struct Indifferent;

impl Relevance for Indifferent {
    fn scores(&self, texts: &[&str]) -> Vec<Score> {
        vec![Score::default(); texts.len()]
    }
}

/// Orders `items` by their scores, highest first; equal scores keep the profile's order,
/// which is the user's own ranking.
fn reorder<T: Clone>(items: &mut [T], scores: &mut [Score]) {
    let mut order: Vec<usize> = (0..items.len().min(scores.len())).collect();
    order.sort_by(|&a, &b| scores[b].value.total_cmp(&scores[a].value));
    let sorted_items: Vec<T> = order.iter().map(|&i| items[i].clone()).collect();
    let sorted_scores: Vec<Score> = order.iter().map(|&i| scores[i].clone()).collect();
    items[..order.len()].clone_from_slice(&sorted_items);
    scores[..order.len()].clone_from_slice(&sorted_scores);
}

/// A date's digits, which order ISO dates (`2019-05-01`) and bare years alike; no date
/// sorts first, as the oldest.
fn date_key(date: &str) -> String {
    date.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
#[path = "tailor_tests.rs"]
pub(super) mod tests;
