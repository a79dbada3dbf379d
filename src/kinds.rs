//! The table of document kinds: what each kind's documents look like and may point at.
//!
//! Vision, strategy, pattern, decision and page are only the default rows; `site.yaml`
//! (`kinds:`) adjusts them or adds new ones, so a new kind needs no code change. Every other
//! stage asks this table instead of matching on kind names. Pure.

use serde::Serialize;

use crate::names::SourcePath;
use crate::relation::Relation;
use crate::schema::Reader;
use crate::yaml::{Node, Value};

mod paths;
pub use paths::DECISION_PATHS;

/// An index into the [`KindTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct KindId(pub usize);

/// A `##` section of a kind (required unless `optional`) and the headings accepted in its
/// place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionRule {
    pub name: String,
    pub synonyms: Vec<String>,
    /// The one line `cairn new` writes under the heading, telling the writer what goes there.
    pub prompt: Option<String>,
    /// Written by `cairn new` but not missed when left out.
    pub optional: bool,
}

/// What a required field gets until the writer fills it in: text, so that it parses whatever
/// the field means, and plainly unfinished on the page (a field still holding it warns).
pub const FIELD_PLACEHOLDER: &str = "to be decided";

impl SectionRule {
    /// The line `cairn new` writes under the heading (a section still holding it warns).
    pub fn prompt_line(&self) -> String {
        let prompt = self
            .prompt
            .clone()
            .unwrap_or_else(|| format!("Write the {} here.", self.name.to_lowercase()));
        format!("_{}_", prompt.trim())
    }

    pub fn matches(&self, heading: &str) -> bool {
        let h = heading.trim().to_lowercase();
        std::iter::once(&self.name)
            .chain(&self.synonyms)
            .any(|n| n.to_lowercase() == h)
    }
}

/// A kind-specific front-matter field (beyond the common keys), e.g. a vision's `horizon`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldRule {
    pub name: String,
    pub required: bool,
}

/// What a status means to the rest of the site: whether a document with it still applies (the
/// home page asks those that apply to serve something) and how the timeline dates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Meaning {
    /// Not decided yet (`draft`, `proposed`).
    Proposed,
    /// Applies (`active`).
    InForce,
    /// Applies, decided when it was written (an accepted decision record): the timeline shows
    /// its creation as the decision.
    Accepted,
    /// Decided against when it was written; it never applied.
    Rejected,
    /// No longer applies (`retired`, `deprecated`); dated by its last update.
    Retired,
    /// Replaced by the document that supersedes it.
    Superseded,
}

impl Meaning {
    /// The words `means:` takes in `site.yaml`.
    pub const WORDS: [&'static str; 6] = [
        "proposed",
        "in_force",
        "accepted",
        "rejected",
        "retired",
        "superseded",
    ];

    const ALL: [Meaning; 6] = [
        Meaning::Proposed,
        Meaning::InForce,
        Meaning::Accepted,
        Meaning::Rejected,
        Meaning::Retired,
        Meaning::Superseded,
    ];

    pub fn from_word(word: &str) -> Option<Meaning> {
        let i = Self::WORDS.iter().position(|w| *w == word)?;
        Some(Self::ALL[i])
    }

    /// What a status of the built-in vocabularies means; any other word is taken to mean the
    /// document applies, unless `site.yaml` says otherwise.
    pub fn of_builtin(status: &str) -> Meaning {
        match status {
            "draft" | "proposed" => Meaning::Proposed,
            "accepted" => Meaning::Accepted,
            "rejected" => Meaning::Rejected,
            "retired" | "deprecated" => Meaning::Retired,
            "superseded" => Meaning::Superseded,
            _ => Meaning::InForce,
        }
    }

    /// Whether a document with this status applies now or may yet (so it should serve
    /// something).
    pub fn applies(self) -> bool {
        !matches!(
            self,
            Meaning::Rejected | Meaning::Retired | Meaning::Superseded
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kind {
    pub name: String,
    /// The top folder under `content/` and the URL segment of this kind's documents.
    pub folder: String,
    pub label: String,
    pub plural: String,
    /// The status vocabulary, in the order index pages group by. Empty: no status.
    pub statuses: Vec<String>,
    /// What each of `statuses` means, in the same order (see [`Kind::meaning`]).
    pub meanings: Vec<Meaning>,
    pub fields: Vec<FieldRule>,
    pub sections: Vec<SectionRule>,
    /// Kinds this kind's `serves:` may point at.
    pub serves: Vec<String>,
    /// Kinds this kind's `uses:` may point at.
    pub uses: Vec<String>,
    /// Globs (relative to the documents folder) whose documents are of this kind.
    pub paths: Vec<String>,
    /// `paths` came from `site.yaml`, so they win over top folders (see [`KindTable::for_path`]).
    #[serde(skip)]
    pub paths_given: bool,
}

impl Kind {
    /// A kind with the built-in lifecycle of statuses and nothing else yet.
    fn with_lifecycle(name: String, folder: String, label: String, plural: String) -> Kind {
        let mut k = Kind {
            name,
            folder,
            label,
            plural,
            statuses: Vec::new(),
            meanings: Vec::new(),
            fields: Vec::new(),
            sections: Vec::new(),
            serves: Vec::new(),
            uses: Vec::new(),
            paths: Vec::new(),
            paths_given: false,
        };
        k.set_statuses(builtin(&LIFECYCLE));
        k
    }

    pub fn is_page(&self) -> bool {
        self.name == PAGE
    }

    /// What `status` means for documents of this kind.
    pub fn meaning(&self, status: &str) -> Meaning {
        self.statuses
            .iter()
            .position(|s| s == status)
            .and_then(|i| self.meanings.get(i).copied())
            .unwrap_or_else(|| Meaning::of_builtin(status))
    }

    /// The first status of this kind that means `meaning`, if it has one.
    pub fn status_meaning(&self, meaning: Meaning) -> Option<&str> {
        self.statuses
            .iter()
            .find(|s| self.meaning(s) == meaning)
            .map(String::as_str)
    }

    /// Sets the vocabulary and what each status means.
    fn set_statuses(&mut self, statuses: Vec<(String, Meaning)>) {
        (self.statuses, self.meanings) = statuses.into_iter().unzip();
    }

    /// Whether documents of this kind may name targets under `rel` at all.
    pub fn allows(&self, rel: Relation) -> bool {
        match rel {
            Relation::Serves => !self.serves.is_empty(),
            Relation::Uses => !self.uses.is_empty(),
            Relation::Supersedes => !self.is_page(),
            Relation::Related => true,
        }
    }
}

pub const PAGE: &str = "page";

const LIFECYCLE: [&str; 5] = ["draft", "proposed", "active", "retired", "superseded"];
const DECISION_STATUSES: [&str; 6] = [
    "draft",
    "proposed",
    "accepted",
    "rejected",
    "deprecated",
    "superseded",
];

fn section(name: &str, synonyms: &[&str]) -> SectionRule {
    SectionRule {
        name: name.into(),
        synonyms: synonyms.iter().map(|s| s.to_string()).collect(),
        prompt: None,
        optional: false,
    }
}

/// A built-in section with the prompt `cairn new` writes under it.
fn prompted(name: &str, synonyms: &[&str], prompt: &str) -> SectionRule {
    SectionRule {
        prompt: Some(prompt.into()),
        ..section(name, synonyms)
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A built-in vocabulary with the meanings of its words.
fn builtin(statuses: &[&str]) -> Vec<(String, Meaning)> {
    statuses
        .iter()
        .map(|s| (s.to_string(), Meaning::of_builtin(s)))
        .collect()
}

/// All kinds of one site, in display order; the page kind is always present.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindTable {
    kinds: Vec<Kind>,
    /// The kinds' `paths`, compiled.
    #[serde(skip)]
    by_path: paths::PathKinds,
    /// The documents folder from the site folder (`doc/adr`), which the built-in globs also
    /// match through: records are decisions when `content:` names their folder itself.
    #[serde(skip)]
    content: String,
}

impl Default for KindTable {
    fn default() -> Self {
        let kind = |name: &str, folder: &str, label: &str, plural: &str| {
            Kind::with_lifecycle(name.into(), folder.into(), label.into(), plural.into())
        };
        let mut vision = kind("vision", "visions", "Vision", "Visions");
        vision.fields = vec![FieldRule {
            name: "horizon".into(),
            required: true,
        }];
        vision.sections = vec![prompted(
            "Vision statement",
            &["Vision", "Statement"],
            "Describe the future in the present tense, concretely enough to judge designs against.",
        )];
        let mut strategy = kind("strategy", "strategies", "Strategy", "Strategies");
        strategy.fields = vec![FieldRule {
            name: "horizon".into(),
            required: false,
        }];
        strategy.sections = vec![
            prompted(
                "Problem",
                &["Diagnosis", "Problem statement"],
                "Name the one obstacle this strategy attacks, honestly and with numbers.",
            ),
            prompted(
                "Guiding policy",
                &["Policy"],
                "Choose one way through and say what you will not do.",
            ),
            prompted(
                "Actions",
                &["Coherent actions"],
                "List the first concrete steps, each with an owner and a date.",
            ),
            SectionRule {
                optional: true,
                ..prompted(
                    "Non-goals",
                    &["Out of scope"],
                    "Optional: name what this strategy deliberately will not do, so that work \
                     outside it can be declined by pointing here. Delete this section if there \
                     is nothing to say.",
                )
            },
        ];
        strategy.serves = strings(&["vision"]);
        strategy.uses = strings(&["pattern"]);
        let mut pattern = kind("pattern", "patterns", "Pattern", "Patterns");
        pattern.sections = vec![
            prompted(
                "When it works",
                &["Success modes"],
                "Describe the situations in which this approach pays off.",
            ),
            prompted(
                "Failure modes",
                &[],
                "Describe how it goes wrong, and the early signs that it is going wrong.",
            ),
            prompted(
                "Examples",
                &[],
                "Link the strategies and decisions that use it, or say where it was tried.",
            ),
        ];
        let mut decision = kind("decision", "decisions", "Decision", "Decisions");
        decision.set_statuses(builtin(&DECISION_STATUSES));
        decision.sections = vec![
            // MADR's and Log4brains' names for the same sections.
            prompted(
                "Context",
                &["Context and Problem Statement", "Problem Statement"],
                "What forces are at play, and why does this need deciding now?",
            ),
            prompted(
                "Decision",
                &["Decision Outcome", "Considered Options"],
                "State the choice in one or two sentences, in the active voice.",
            ),
            prompted(
                "Consequences",
                &["Positive Consequences", "Pros and Cons of the Options"],
                "What becomes easier, what becomes harder, and what we accept.",
            ),
        ];
        decision.serves = strings(&["strategy"]);
        decision.uses = strings(&["pattern"]);
        decision.paths = strings(&DECISION_PATHS);
        let mut page = kind(PAGE, "", "Page", "Pages");
        page.set_statuses(Vec::new());
        let mut t = KindTable {
            kinds: vec![vision, strategy, pattern, decision, page],
            by_path: paths::PathKinds::default(),
            content: String::new(),
        };
        t.index_paths();
        t
    }
}

const KIND_KEYS: [&str; 10] = [
    "folder", "label", "plural", "statuses", "fields", "required", "sections", "serves", "uses",
    "paths",
];

impl KindTable {
    pub fn get(&self, id: KindId) -> &Kind {
        &self.kinds[id.0]
    }

    pub fn find(&self, name: &str) -> Option<KindId> {
        self.kinds.iter().position(|k| k.name == name).map(KindId)
    }

    /// The kind whose folder is `folder` (the top folder of a document's path).
    pub fn by_folder(&self, folder: &str) -> Option<KindId> {
        self.kinds
            .iter()
            .position(|k| !k.is_page() && k.folder == folder)
            .map(KindId)
    }

    /// The kind of a document at `path` (relative to the documents folder) that names none:
    /// globs `site.yaml` gives, then the top folder (only when `by_folder`: the document has
    /// front matter), then the built-in globs (the ADR tools' folders), else a page.
    pub fn for_path(&self, path: &SourcePath, by_folder: bool) -> KindId {
        let p = path.as_str();
        self.by_path
            .configured(p)
            .or_else(|| {
                path.top_folder()
                    .filter(|_| by_folder)
                    .and_then(|f| self.by_folder(f))
            })
            .or_else(|| self.by_path.builtin(p))
            .or_else(|| {
                let from_site = format!("{}/{p}", self.content);
                (!self.content.is_empty())
                    .then(|| self.by_path.builtin(&from_site))
                    .flatten()
            })
            .unwrap_or(self.page())
    }

    /// Where the documents folder is from the site folder (see [`KindTable::for_path`]).
    pub fn set_content_dir(&mut self, dir: &str) {
        self.content = dir.to_string();
    }

    fn index_paths(&mut self) {
        self.by_path = paths::PathKinds::new(
            self.kinds
                .iter()
                .enumerate()
                .map(|(i, k)| (KindId(i), k.paths.as_slice(), k.paths_given)),
        );
    }

    pub fn page(&self) -> KindId {
        self.find(PAGE)
            .expect("the page kind is always in the table")
    }

    pub fn iter(&self) -> impl Iterator<Item = (KindId, &Kind)> {
        self.kinds.iter().enumerate().map(|(i, k)| (KindId(i), k))
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.kinds.iter().map(|k| k.name.as_str())
    }

    /// Applies `kinds:` from `site.yaml`: each entry adjusts a kind or adds a new one.
    pub fn apply_config(&mut self, node: &Node, r: &mut Reader) {
        for entry in r.map("`kinds`", node) {
            let name = entry.key.trim().to_string();
            if !crate::names::is_slug(&name) {
                r.error(
                    entry.key_pos,
                    format!("kind name `{name}` must be lower-case letters, digits and `-`"),
                );
                continue;
            }
            if name == PAGE {
                r.error(entry.key_pos, "the `page` kind cannot be changed");
                continue;
            }
            let id = match self.find(&name) {
                Some(id) => id,
                None => {
                    let plural = format!("{name}s");
                    let mut label = name.clone();
                    if let Some(first) = label.get_mut(0..1) {
                        first.make_ascii_uppercase();
                    }
                    let labels = format!("{label}s");
                    let kind = Kind::with_lifecycle(name.clone(), plural, label, labels);
                    self.kinds.insert(self.kinds.len() - 1, kind);
                    KindId(self.kinds.len() - 2)
                }
            };
            self.apply_one(id, &entry.node, r);
        }
        self.check_references(node, r);
        self.index_paths();
    }

    fn apply_one(&mut self, id: KindId, node: &Node, r: &mut Reader) {
        let what = format!("kind `{}`", self.kinds[id.0].name);
        for e in r.map(&what, node) {
            let kind = &mut self.kinds[id.0];
            let n = &e.node;
            match e.key.as_str() {
                "folder" => {
                    if let Some(s) = r.string("folder", n) {
                        if crate::names::is_slug(&s) {
                            kind.folder = s;
                        } else {
                            r.error(
                                n.pos,
                                format!(
                                    "`folder` must be one folder name in lower case, found `{s}`"
                                ),
                            );
                        }
                    }
                }
                "label" => kind.label = r.string("label", n).unwrap_or_else(|| kind.label.clone()),
                "plural" => {
                    kind.plural = r.string("plural", n).unwrap_or_else(|| kind.plural.clone())
                }
                "statuses" => kind.set_statuses(read_statuses(n, r)),
                "fields" => {
                    for (f, _) in r.string_list("fields", n) {
                        if !kind.fields.iter().any(|x| x.name == f) {
                            kind.fields.push(FieldRule {
                                name: f,
                                required: false,
                            });
                        }
                    }
                }
                "required" => {
                    for (f, _) in r.string_list("required", n) {
                        match kind.fields.iter_mut().find(|x| x.name == f) {
                            Some(x) => x.required = true,
                            None => kind.fields.push(FieldRule {
                                name: f,
                                required: true,
                            }),
                        }
                    }
                }
                "sections" => kind.sections = read_sections(n, r),
                "serves" => {
                    kind.serves = r
                        .string_list("serves", n)
                        .into_iter()
                        .map(|(s, _)| s)
                        .collect()
                }
                "uses" => {
                    kind.uses = r
                        .string_list("uses", n)
                        .into_iter()
                        .map(|(s, _)| s)
                        .collect()
                }
                // Replaces the kind's globs (the decision kind's built-in ones too).
                "paths" => {
                    let mut globs = Vec::new();
                    for (g, pos) in r.string_list("paths", n) {
                        match paths::compile(&g) {
                            Ok(_) => globs.push(g),
                            Err(msg) => r.error(pos, format!("`paths`: {msg}")),
                        }
                    }
                    kind.paths = globs;
                    kind.paths_given = true;
                }
                _ => r.unknown_key(e, &what, &KIND_KEYS),
            }
        }
    }

    /// Relation rules must name kinds that exist; checked once all kinds are known.
    fn check_references(&self, node: &Node, r: &mut Reader) {
        let Value::Map(entries) = &node.value else {
            return;
        };
        for e in entries {
            let Some(id) = self.find(e.key.trim()) else {
                continue;
            };
            let kind = self.get(id);
            for target in kind.serves.iter().chain(&kind.uses) {
                if self.find(target).is_none() {
                    let hint = crate::diag::did_you_mean_hint(target, self.names());
                    r.error(
                        e.key_pos,
                        format!(
                            "kind `{}` refers to unknown kind `{target}`{hint}",
                            kind.name
                        ),
                    );
                }
            }
        }
    }
}

/// `statuses:` is a list of names or of `{name, means}` mappings; a plain name means what it
/// means in the built-in vocabularies.
fn read_statuses(n: &Node, r: &mut Reader) -> Vec<(String, Meaning)> {
    let Value::Seq(items) = &n.value else {
        return r
            .string_list("statuses", n)
            .into_iter()
            .map(|(s, _)| {
                let m = Meaning::of_builtin(&s);
                (s, m)
            })
            .collect();
    };
    let mut out = Vec::new();
    for item in items {
        match &item.value {
            Value::Str(s) => out.push((s.clone(), Meaning::of_builtin(s))),
            Value::Map(_) => {
                let (mut name, mut means) = (None, None);
                for e in r.map("a status", item) {
                    match e.key.as_str() {
                        "name" => name = r.string("name", &e.node),
                        "means" => {
                            means = r
                                .choice("means", &e.node, &Meaning::WORDS)
                                .and_then(Meaning::from_word)
                        }
                        _ => r.unknown_key(e, "a status", &["name", "means"]),
                    }
                }
                match name {
                    Some(name) => {
                        let means = means.unwrap_or_else(|| Meaning::of_builtin(&name));
                        out.push((name, means));
                    }
                    None => r.error(item.pos, "a status needs a `name`"),
                }
            }
            other => r.error(
                item.pos,
                format!(
                    "a status must be a name or a mapping, found {}",
                    other.type_name()
                ),
            ),
        }
    }
    out
}

/// `sections:` is a list of names or of `{name, synonyms}` mappings.
fn read_sections(n: &Node, r: &mut Reader) -> Vec<SectionRule> {
    let Value::Seq(items) = &n.value else {
        r.error(
            n.pos,
            format!("`sections` must be a list, found {}", n.value.type_name()),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        match &item.value {
            Value::Str(s) => out.push(section(s, &[])),
            Value::Map(_) => {
                let mut rule = section("", &[]);
                for e in r.map("a section", item) {
                    match e.key.as_str() {
                        "name" => rule.name = r.string("name", &e.node).unwrap_or_default(),
                        "synonyms" => {
                            rule.synonyms = r
                                .string_list("synonyms", &e.node)
                                .into_iter()
                                .map(|(s, _)| s)
                                .collect()
                        }
                        "prompt" => rule.prompt = r.string("prompt", &e.node),
                        "optional" => rule.optional = r.bool("optional", &e.node).unwrap_or(false),
                        _ => r.unknown_key(
                            e,
                            "a section",
                            &["name", "synonyms", "prompt", "optional"],
                        ),
                    }
                }
                if rule.name.is_empty() {
                    r.error(item.pos, "a section needs a `name`");
                } else {
                    out.push(rule);
                }
            }
            other => r.error(
                item.pos,
                format!(
                    "a section must be a name or a mapping, found {}",
                    other.type_name()
                ),
            ),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;
    use crate::yaml;

    #[test]
    fn builtin_rows() {
        let t = KindTable::default();
        let s = t.get(t.find("strategy").unwrap());
        assert_eq!(s.folder, "strategies");
        assert!(s.sections[0].matches("diagnosis"));
        assert_eq!(t.by_folder("decisions"), t.find("decision"));
        assert!(t.get(t.page()).statuses.is_empty());
        assert_eq!(t.by_folder(""), None);
    }

    #[test]
    fn config_adds_and_adjusts_kinds() {
        let node = yaml::parse(
            "rfc:\n  label: RFC\n  statuses: [open, closed]\n  sections: [Summary, {name: Motivation, synonyms: [Why], prompt: Why now?}]\n  serves: [strategy]\n  required: [number]\npattern:\n  sections: [Examples]\n",
        )
        .unwrap();
        let mut t = KindTable::default();
        let mut diags = Diagnostics::new();
        t.apply_config(&node, &mut Reader::new("site.yaml", 5, &mut diags));
        assert!(diags.is_empty(), "{diags:?}");
        let rfc = t.get(t.find("rfc").unwrap());
        assert_eq!(rfc.folder, "rfcs");
        assert_eq!(rfc.label, "RFC");
        assert_eq!(rfc.statuses, ["open", "closed"]);
        assert!(rfc.sections[1].matches("why"));
        assert_eq!(rfc.sections[1].prompt.as_deref(), Some("Why now?"));
        assert_eq!(rfc.sections[0].prompt, None);
        assert_eq!(
            rfc.fields,
            [FieldRule {
                name: "number".into(),
                required: true
            }]
        );
        assert_eq!(t.get(t.find("pattern").unwrap()).sections.len(), 1);
        // The page kind stays last.
        assert_eq!(t.iter().last().unwrap().1.name, "page");
    }

    #[test]
    fn statuses_carry_their_meaning() {
        let t = KindTable::default();
        let decision = t.get(t.find("decision").unwrap());
        assert_eq!(decision.meaning("accepted"), Meaning::Accepted);
        assert_eq!(decision.meaning("deprecated"), Meaning::Retired);
        assert_eq!(
            decision.status_meaning(Meaning::Superseded),
            Some("superseded")
        );
        let node = yaml::parse(
            "rfc:\n  statuses: [open, accepted, {name: closed, means: retired}, {name: replaced, means: superseded}, {name: x, means: gone}, {means: retired}]\n",
        )
        .unwrap();
        let mut t = KindTable::default();
        let mut diags = Diagnostics::new();
        t.apply_config(&node, &mut Reader::new("site.yaml", 1, &mut diags));
        let rfc = t.get(t.find("rfc").unwrap());
        assert_eq!(
            rfc.statuses,
            ["open", "accepted", "closed", "replaced", "x"]
        );
        assert_eq!(rfc.meaning("open"), Meaning::InForce);
        assert_eq!(rfc.meaning("accepted"), Meaning::Accepted);
        assert_eq!(rfc.meaning("closed"), Meaning::Retired);
        assert!(!rfc.meaning("closed").applies());
        assert_eq!(rfc.status_meaning(Meaning::Superseded), Some("replaced"));
        let out: Vec<String> = diags.into_sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            out,
            [
                "site.yaml:2:3: error: `means` must be one of proposed, in_force, accepted, rejected, retired, superseded, found `gone`",
                "site.yaml:2:3: error: a status needs a `name`",
            ]
        );
    }

    #[test]
    fn bad_kind_config_is_diagnosed() {
        let node = yaml::parse("rfc:\n  serves: [strategyy]\n  colour: red\n").unwrap();
        let mut t = KindTable::default();
        let mut diags = Diagnostics::new();
        t.apply_config(&node, &mut Reader::new("site.yaml", 3, &mut diags));
        let out: Vec<String> = diags.into_sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            out,
            [
                "site.yaml:3:1: error: kind `rfc` refers to unknown kind `strategyy` (did you mean `strategy`?)",
                "site.yaml:5:3: warning: unknown key `colour` in kind `rfc`",
            ]
        );
    }
}
