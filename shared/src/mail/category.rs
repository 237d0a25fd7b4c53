use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a message means for an application. Exactly one per message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Rejection,
    Offer,
    Interview,
    Assessment,
    Confirmation,
    Other,
}

impl Category {
    /// In the order that breaks a tie between equal scores: the news that matters most first.
    pub const ALL: [Category; 6] = [
        Category::Rejection,
        Category::Offer,
        Category::Interview,
        Category::Assessment,
        Category::Confirmation,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Rejection => "rejection",
            Category::Offer => "offer",
            Category::Interview => "interview",
            Category::Assessment => "assessment",
            Category::Confirmation => "confirmation",
            Category::Other => "other",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown category {s:?}"))
    }
}
