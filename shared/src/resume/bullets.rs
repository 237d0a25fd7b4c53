//! The bullets (highlights) of a resume's work, volunteering and projects, addressed the same
//! way by tailoring, the one-page rule and the model's rewording.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Resume;

/// A section whose entries carry bullets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Section {
    Work,
    Volunteer,
    Projects,
}

impl Section {
    pub const ALL: [Section; 3] = [Section::Work, Section::Volunteer, Section::Projects];

    fn letter(self) -> char {
        match self {
            Section::Work => 'w',
            Section::Volunteer => 'v',
            Section::Projects => 'p',
        }
    }

    /// What an entry of this section is, for messages ("a bullet of the job at Acme").
    pub fn entry_noun(self) -> &'static str {
        match self {
            Section::Work => "job",
            Section::Volunteer => "volunteering",
            Section::Projects => "project",
        }
    }
}

/// One bullet: the entry's place in its section and the bullet's place in the entry.
/// Written `w0.2` (work entry 0, bullet 2), the short id the model sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulletId {
    pub section: Section,
    pub entry: usize,
    pub index: usize,
}

impl fmt::Display for BulletId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}.{}", self.section.letter(), self.entry, self.index)
    }
}

impl FromStr for BulletId {
    type Err = String;

    fn from_str(text: &str) -> Result<BulletId, String> {
        let bad = || format!("'{text}' is not a bullet id such as w0.2");
        let mut chars = text.trim().chars();
        let letter = chars.next().ok_or_else(bad)?;
        let section = Section::ALL
            .into_iter()
            .find(|s| s.letter() == letter)
            .ok_or_else(bad)?;
        let (entry, index) = chars.as_str().split_once('.').ok_or_else(bad)?;
        Ok(BulletId {
            section,
            entry: entry.parse().map_err(|_| bad())?,
            index: index.parse().map_err(|_| bad())?,
        })
    }
}

impl Resume {
    /// How many entries `section` has.
    pub fn entry_count(&self, section: Section) -> usize {
        match section {
            Section::Work => self.work.len(),
            Section::Volunteer => self.volunteer.len(),
            Section::Projects => self.projects.len(),
        }
    }

    /// The bullets of one entry (empty when there is no such entry).
    pub fn highlights(&self, section: Section, entry: usize) -> &[String] {
        match section {
            Section::Work => self.work.get(entry).map(|e| &e.highlights),
            Section::Volunteer => self.volunteer.get(entry).map(|e| &e.highlights),
            Section::Projects => self.projects.get(entry).map(|e| &e.highlights),
        }
        .map_or(&[], Vec::as_slice)
    }

    pub(super) fn highlights_mut(
        &mut self,
        section: Section,
        entry: usize,
    ) -> Option<&mut Vec<String>> {
        match section {
            Section::Work => self.work.get_mut(entry).map(|e| &mut e.highlights),
            Section::Volunteer => self.volunteer.get_mut(entry).map(|e| &mut e.highlights),
            Section::Projects => self.projects.get_mut(entry).map(|e| &mut e.highlights),
        }
    }

    /// The text of one bullet.
    pub fn bullet(&self, id: BulletId) -> Option<&str> {
        self.highlights(id.section, id.entry)
            .get(id.index)
            .map(String::as_str)
    }

    /// Every bullet, section by section, in order.
    pub fn bullets(&self) -> Vec<(BulletId, &str)> {
        let mut all = Vec::new();
        for section in Section::ALL {
            for entry in 0..self.entry_count(section) {
                for (index, text) in self.highlights(section, entry).iter().enumerate() {
                    let id = BulletId {
                        section,
                        entry,
                        index,
                    };
                    all.push((id, text.as_str()));
                }
            }
        }
        all
    }

    /// Who or what an entry is: the employer, the organisation, the project's name.
    pub fn entry_name(&self, section: Section, entry: usize) -> &str {
        match section {
            Section::Work => self.work.get(entry).map(|e| e.name.as_str()),
            Section::Volunteer => self.volunteer.get(entry).map(|e| e.organization.as_str()),
            Section::Projects => self.projects.get(entry).map(|e| e.name.as_str()),
        }
        .unwrap_or_default()
    }

    /// When an entry began (its end when no start is given), as written.
    pub(super) fn entry_date(&self, section: Section, entry: usize) -> &str {
        let dates = match section {
            Section::Work => self.work.get(entry).map(|e| (&e.start_date, &e.end_date)),
            Section::Volunteer => self
                .volunteer
                .get(entry)
                .map(|e| (&e.start_date, &e.end_date)),
            Section::Projects => self
                .projects
                .get(entry)
                .map(|e| (&e.start_date, &e.end_date)),
        };
        let Some((start, end)) = dates else {
            return "";
        };
        if start.is_empty() { end } else { start }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_back() {
        for id in ["w0.2", "v3.0", "p12.7"] {
            let parsed: BulletId = id.parse().expect(id);
            assert_eq!(parsed.to_string(), id);
        }
        for bad in ["", "x0.1", "w0", "w.1", "w0.-1", "w0.1.2"] {
            assert!(bad.parse::<BulletId>().is_err(), "{bad}");
        }
    }
}
