//! The typed relations between documents and how each reads in both directions.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    Serves,
    Uses,
    Supersedes,
    Related,
}

impl Relation {
    pub const ALL: [Relation; 4] = [
        Relation::Serves,
        Relation::Uses,
        Relation::Supersedes,
        Relation::Related,
    ];

    /// The front-matter key.
    pub fn key(self) -> &'static str {
        match self {
            Relation::Serves => "serves",
            Relation::Uses => "uses",
            Relation::Supersedes => "supersedes",
            Relation::Related => "related",
        }
    }

    pub fn from_key(key: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.key() == key)
    }

    /// How the relation reads on the document that declares it.
    pub fn label(self) -> &'static str {
        match self {
            Relation::Serves => "Serves",
            Relation::Uses => "Uses",
            Relation::Supersedes => "Supersedes",
            Relation::Related => "Related",
        }
    }

    /// How the relation reads on its target.
    pub fn inverse_label(self) -> &'static str {
        match self {
            Relation::Serves => "Served by",
            Relation::Uses => "Used by",
            Relation::Supersedes => "Superseded by",
            Relation::Related => "Related",
        }
    }
}
