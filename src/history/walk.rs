//! The one pass over a repository's history: the only module that knows the git library.
//!
//! Commits are walked newest first from HEAD. Each commit that is not a merge is compared with
//! its parent below the content folder only, on the raw tree objects (a tree is parsed beside
//! the version read before it, the bytes two versions share skipped, and delta bases are kept
//! in a cache), so a commit that does not touch
//! `content/` costs two id comparisons. A document is followed to older names through renames
//! (same blob, or a similar text within one commit, as `git log --follow` does), and the
//! status each version gives is read from its blob, once per distinct blob, in parallel.
//!
//! The repository is opened isolated (no global or user configuration, no environment), only
//! committed objects are read (never the work tree), and every read is bounded: the walk stops
//! after [`MAX_COMMITS`] commits and a blob over [`MAX_BLOB`] bytes gives no status.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gix::ObjectId;
use gix::bstr::ByteSlice;
use gix::objs::FindExt;
use rayon::prelude::*;

use super::resume::{self, Base, Resume, Walked};
use super::{Change, Commit, status_of};
use tree::{Parsed, entry_order, is_file, is_tree, skip_same, skip_same_end};

mod tree;

/// A walk stops after this many commits, so a giant repository costs a bounded time.
pub const MAX_COMMITS: usize = 1_000_000;
/// A blob larger than this is not read for its status (documents are 10 MB at most).
const MAX_BLOB: u64 = 10 * 1024 * 1024;
/// `.mailmap` is read up to this size.
const MAX_MAILMAP: u64 = 1024 * 1024;
/// Within one commit, at most this many (deleted, added) pairs are compared for a rename by
/// content; beyond it only renames that keep the blob are found (git's `diff.renameLimit`).
const MAX_RENAME_PAIRS: usize = 10_000;
/// Lines two texts must share for one to be the other renamed, in percent (git's default).
const RENAME_SIMILARITY: usize = 50;
/// Memory for the objects deltas in the pack are applied to, per repository handle (git's
/// `core.deltaBaseCacheLimit` is 96 MiB): without it each version of a large folder's tree is
/// rebuilt from the start of its delta chain.
const DELTA_BASE_CACHE: usize = 64 * 1024 * 1024;
/// Parsed trees kept at once. The walk goes from child to parent and a child's parent tree is
/// the next commit's own, so a few suffice; branches only cost a tree read again.
const PARSED_TREES: usize = 16;

/// A repository the content folder is in, with the folder's path inside its work tree.
pub struct Repo {
    repo: gix::ThreadSafeRepository,
    /// `content` or `site/content`, with `/`; empty when the content folder is the work tree.
    prefix: Vec<String>,
}

impl Repo {
    /// The work tree `content` is in, or `None` outside any (or in a bare repository).
    pub fn discover(content: &Path) -> Result<Option<Repo>, String> {
        let Ok(real) = content.canonicalize() else {
            return Ok(None);
        };
        let opts = gix::open::Options::isolated();
        let trust = gix::sec::trust::Mapping {
            full: opts.clone(),
            reduced: opts,
        };
        let repo = match gix::ThreadSafeRepository::discover_opts(&real, Default::default(), trust)
        {
            Ok(r) => r,
            Err(gix::discover::Error::Discover(_)) => return Ok(None),
            Err(e) => return Err(format!("cannot open the git repository: {e}")),
        };
        let Some(work) = repo.work_dir().and_then(|w| w.canonicalize().ok()) else {
            return Ok(None);
        };
        let Ok(rel) = real.strip_prefix(&work) else {
            return Ok(None);
        };
        let prefix = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Ok(Some(Repo { repo, prefix }))
    }

    pub fn is_shallow(&self) -> bool {
        self.repo.to_thread_local().is_shallow()
    }

    pub fn prefix(&self) -> String {
        self.prefix.join("/")
    }

    pub fn git_dir(&self) -> PathBuf {
        self.repo.git_dir().to_path_buf()
    }

    /// The HEAD commit's id, `None` before the first commit.
    pub fn head(&self) -> Option<String> {
        let repo = self.repo.to_thread_local();
        repo.head_id().ok().map(|id| id.to_string())
    }

    /// The pass from `head`. With `base` (a history stored for an older commit, and how it was
    /// walked), only the commits the walk meets before that older walk's commits are read,
    /// when the result is sure to be the one a whole pass gives (see `resume`); otherwise, or
    /// without `base`, the whole history is.
    pub fn history(&self, head: &str, base: Option<&Base>) -> Result<Walked, String> {
        let repo = local(&self.repo);
        let head = ObjectId::from_hex(head.as_bytes()).map_err(|e| e.to_string())?;
        let mut trees = Trees::new(&repo, self.prefix.clone());
        let (mailmap, mailmap_id) = mailmap(&repo, head, &mut trees);
        let order = order(&repo, head)?;
        let ids: Vec<&[u8]> = order.iter().map(|c| c.0.as_bytes()).collect();
        let mailmap_id = mailmap_id.map(|id| id.to_string());
        let from = base.and_then(|b| resume::split(b, &ids, mailmap_id.as_deref(), MAX_COMMITS));
        let end = from.unwrap_or(order.len());
        let head_tree = trees.content_of_commit(head)?;
        // Every document at HEAD, by its path at the point of history the walk has reached.
        let mut names: HashMap<String, usize> = HashMap::new();
        let mut paths = Vec::new();
        if let Some(tree) = head_tree {
            trees.files(tree, "", &mut |path, _| {
                if is_document(path) {
                    names.insert(path.to_string(), paths.len());
                    paths.push(path.to_string());
                }
            })?;
        }
        let mut changes: Vec<Vec<(u32, ObjectId)>> = vec![Vec::new(); paths.len()];
        let mut commits = Vec::new();
        let (mut truncated, mut clobbered, mut walked) = (false, false, 0);
        for (n, &(id, parent, merge)) in order[..end].iter().enumerate() {
            if names.is_empty() {
                break;
            }
            if n == MAX_COMMITS {
                truncated = true;
                break;
            }
            walked += 1;
            if merge {
                continue;
            }
            let (tree, commit) = trees.commit(id)?;
            let parent = match parent {
                Some(p) => trees.content_of_commit(p)?,
                None => None,
            };
            if tree == parent {
                continue;
            }
            let diff = trees.diff(parent, tree)?;
            let renames = renames(&repo, &diff);
            let mut touched = false;
            let index = commits.len() as u32;
            for (path, old, new) in &diff {
                let (Some(new), Some(&doc)) = (new, names.get(path)) else {
                    continue;
                };
                changes[doc].push((index, *new));
                touched = true;
                if old.is_none() {
                    names.remove(path);
                    if let Some(from) = renames.get(path.as_str()) {
                        clobbered |= names.insert(from.to_string(), doc).is_some();
                    }
                }
            }
            if touched {
                commits.push(commit.into_commit(&mailmap));
            }
        }
        // Where the documents still followed were when the older walk began.
        let boundary: HashMap<usize, String> = names.into_iter().map(|(p, d)| (d, p)).collect();
        let base = match (from, base) {
            (Some(_), Some(b)) if boundary.values().all(|p| b.history.docs.contains_key(p)) => b,
            (Some(_), Some(_)) => return self.history(&head.to_string(), None),
            _ => &Base::default(),
        };
        let blobs: Vec<ObjectId> = {
            let mut all: Vec<ObjectId> = changes.iter().flatten().map(|(_, b)| *b).collect();
            all.sort_unstable();
            all.dedup();
            all
        };
        let statuses = statuses(&self.repo, &blobs);
        let docs = paths
            .into_iter()
            .zip(changes)
            .map(|(path, c)| {
                let changes = c
                    .into_iter()
                    .map(|(commit, blob)| Change {
                        commit,
                        status: blobs
                            .binary_search(&blob)
                            .ok()
                            .and_then(|i| statuses[i].clone()),
                    })
                    .collect();
                (path, changes)
            })
            .collect();
        let history = resume::join(head.to_string(), truncated, commits, docs, &boundary, base);
        let resume = Resume {
            order: ids.len(),
            digest: resume::digest(&ids),
            clobbered,
            mailmap: mailmap_id,
            walked,
        };
        Ok(Walked { history, resume })
    }
}

/// A handle on the repository for this thread, with a cache of delta bases.
fn local(repo: &gix::ThreadSafeRepository) -> gix::Repository {
    let mut repo = repo.to_thread_local();
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
            DELTA_BASE_CACHE,
        ))
    });
    repo
}

/// Every commit from `head` in the order the walk meets them (newest commit time first), with
/// its first parent and whether it is a merge; at most one more than [`MAX_COMMITS`].
fn order(
    repo: &gix::Repository,
    head: ObjectId,
) -> Result<Vec<(ObjectId, Option<ObjectId>, bool)>, String> {
    let walk = repo
        .rev_walk([head])
        .sorting(gix::revision::walk::Sorting::ByCommitTime(
            gix::traverse::commit::simple::CommitTimeOrder::NewestFirst,
        ))
        .all()
        .map_err(|e| format!("cannot walk the history: {e}"))?;
    let mut out = Vec::new();
    for info in walk.take(MAX_COMMITS + 1) {
        let info = info.map_err(|e| format!("cannot walk the history: {e}"))?;
        let parent = info.parent_ids.first().copied();
        out.push((info.id, parent, info.parent_ids.len() > 1));
    }
    Ok(out)
}

/// Documents are Markdown files, as `source` has them.
fn is_document(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// A commit's facts before `.mailmap` is applied.
struct RawCommit {
    id: ObjectId,
    name: String,
    email: String,
    time: i64,
    offset: i32,
    subject: String,
}

impl RawCommit {
    fn into_commit(self, mailmap: &gix_mailmap::Snapshot) -> Commit {
        let time = gix::date::Time::new(self.time, self.offset);
        let sig = gix::actor::Signature {
            name: self.name.as_str().into(),
            email: self.email.as_str().into(),
            time,
        };
        let author =
            match mailmap.try_resolve(sig.to_ref(&mut gix::date::parse::TimeBuf::default())) {
                Some(s) => s.name.to_string(),
                None => self.name,
            };
        Commit {
            id: self.id.to_string(),
            time: self.time,
            offset: self.offset,
            author,
            subject: self.subject,
        }
    }
}

/// `.mailmap` at the top of HEAD's tree (committed, like everything read here), and its blob.
fn mailmap(
    repo: &gix::Repository,
    head: ObjectId,
    trees: &mut Trees<'_>,
) -> (gix_mailmap::Snapshot, Option<ObjectId>) {
    let blob = trees
        .commit(head)
        .ok()
        .and_then(|(_, _)| trees.root_entry(head, ".mailmap"));
    let map = match blob {
        Some(id) if repo.find_header(id).is_ok_and(|h| h.size() <= MAX_MAILMAP) => repo
            .find_object(id)
            .map(|o| gix_mailmap::Snapshot::from_bytes(&o.data))
            .unwrap_or_default(),
        _ => gix_mailmap::Snapshot::default(),
    };
    (map, blob)
}

/// Each blob's status, read in parallel (a repository handle per thread).
fn statuses(repo: &gix::ThreadSafeRepository, blobs: &[ObjectId]) -> Vec<Option<String>> {
    blobs
        .par_chunks(256)
        .flat_map_iter(|chunk| {
            let repo = local(repo);
            chunk
                .iter()
                .map(|id| {
                    let header = repo.find_header(*id).ok()?;
                    if header.size() > MAX_BLOB {
                        return None;
                    }
                    let obj = repo.find_object(*id).ok()?;
                    status_of(&String::from_utf8_lossy(&obj.data))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Added paths of one commit that are a deleted path renamed: the new path to the old one.
/// A blob kept whole is a rename; otherwise texts sharing most of their lines are.
fn renames<'d>(repo: &gix::Repository, diff: &'d [FileChange]) -> HashMap<&'d str, &'d str> {
    let mut out = HashMap::new();
    let deleted: Vec<(&str, ObjectId)> = diff
        .iter()
        .filter_map(|(p, old, new)| match (old, new) {
            (Some(o), None) if is_document(p) => Some((p.as_str(), *o)),
            _ => None,
        })
        .collect();
    if deleted.is_empty() {
        return out;
    }
    let added: Vec<(&str, ObjectId)> = diff
        .iter()
        .filter_map(|(p, old, new)| match (old, new) {
            (None, Some(n)) if is_document(p) => Some((p.as_str(), *n)),
            _ => None,
        })
        .collect();
    let mut taken = vec![false; deleted.len()];
    let mut rest = Vec::new();
    for &(path, blob) in &added {
        match deleted.iter().position(|(_, b)| *b == blob) {
            Some(i) if !taken[i] => {
                taken[i] = true;
                out.insert(path, deleted[i].0);
            }
            _ => rest.push((path, blob)),
        }
    }
    let left: Vec<usize> = (0..deleted.len()).filter(|i| !taken[*i]).collect();
    if rest.is_empty() || left.is_empty() || rest.len() * left.len() > MAX_RENAME_PAIRS {
        return out;
    }
    let lines = |id: ObjectId| -> Option<Vec<u64>> {
        if repo.find_header(id).ok()?.size() > MAX_BLOB {
            return None;
        }
        let obj = repo.find_object(id).ok()?;
        let mut v: Vec<u64> = obj.data.lines().map(line_hash).collect();
        v.sort_unstable();
        Some(v)
    };
    let old: Vec<Option<Vec<u64>>> = left.iter().map(|&i| lines(deleted[i].1)).collect();
    for (path, blob) in rest {
        let Some(new) = lines(blob) else { continue };
        let best = left
            .iter()
            .zip(&old)
            .filter(|(i, _)| !taken[**i])
            .filter_map(|(i, o)| o.as_ref().map(|o| (*i, similarity(o, &new))))
            .max_by_key(|(i, s)| (*s, std::cmp::Reverse(*i)));
        if let Some((i, s)) = best.filter(|(_, s)| *s >= RENAME_SIMILARITY) {
            let _ = s;
            taken[i] = true;
            out.insert(path, deleted[i].0);
        }
    }
    out
}

fn line_hash(line: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    line.hash(&mut h);
    h.finish()
}

/// Shared lines as a percentage of the longer text (both sorted).
fn similarity(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut same) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                same += 1;
                i += 1;
                j += 1;
            }
        }
    }
    same * 100 / a.len().max(b.len()).max(1)
}

/// A file that differs between two trees: its path under the content folder, old and new blob.
type FileChange = (String, Option<ObjectId>, Option<ObjectId>);
/// Trees and commits read so far: the walk reads each commit's tree as a child's parent first.
struct Trees<'r> {
    repo: &'r gix::Repository,
    parsed: HashMap<ObjectId, Arc<Parsed>>,
    /// A commit's content folder tree, so each commit is decoded once.
    content: HashMap<ObjectId, Option<ObjectId>>,
    prefix: Vec<String>,
}

impl<'r> Trees<'r> {
    fn new(repo: &'r gix::Repository, prefix: Vec<String>) -> Self {
        Trees {
            repo,
            parsed: HashMap::new(),
            content: HashMap::new(),
            prefix,
        }
    }

    fn tree(&mut self, id: ObjectId) -> Result<Arc<Parsed>, String> {
        self.tree_beside(id, None)
    }

    /// The tree `id`, parsed beside `known` (see [`Parsed::parse_beside`]) when it is not kept.
    fn tree_beside(&mut self, id: ObjectId, known: Option<&Parsed>) -> Result<Arc<Parsed>, String> {
        if let Some(p) = self.parsed.get(&id) {
            return Ok(Arc::clone(p));
        }
        if self.parsed.len() >= PARSED_TREES {
            self.parsed.clear();
        }
        // Room for the two buffers a delta is applied between, so none is grown by copying.
        let mut data = Vec::with_capacity(known.map_or(0, |k| 2 * k.data.len() + 64 * 1024));
        if id != ObjectId::empty_tree(self.repo.object_hash()) {
            self.repo
                .objects
                .find(&id, &mut data)
                .map_err(|e| format!("cannot read tree {id}: {e}"))?;
        }
        let p = Arc::new(match known {
            Some(k) => Parsed::parse_beside(data, k)?,
            None => Parsed::parse_beside(data, &Parsed::default())?,
        });
        self.parsed.insert(id, Arc::clone(&p));
        Ok(p)
    }

    /// Two versions of a folder, the one not kept parsed beside the other.
    fn pair_of(&mut self, o: ObjectId, n: ObjectId) -> Result<(Arc<Parsed>, Arc<Parsed>), String> {
        if self.parsed.contains_key(&n) {
            let b = self.tree(n)?;
            Ok((self.tree_beside(o, Some(&b))?, b))
        } else {
            let a = self.tree(o)?;
            Ok((Arc::clone(&a), self.tree_beside(n, Some(&a))?))
        }
    }

    /// The commit's content folder tree and its facts.
    fn commit(&mut self, id: ObjectId) -> Result<(Option<ObjectId>, RawCommit), String> {
        let obj = self
            .repo
            .find_object(id)
            .map_err(|e| format!("cannot read commit {id}: {e}"))?;
        let c = gix::objs::CommitRef::from_bytes(&obj.data, self.repo.object_hash())
            .map_err(|e| format!("cannot read commit {id}: {e}"))?;
        let author = c
            .author()
            .map_err(|e| format!("cannot read commit {id}: {e}"))?;
        let time = author.time().unwrap_or_default();
        let raw = RawCommit {
            id,
            name: author.name.trim().to_str_lossy().into_owned(),
            email: author.email.trim().to_str_lossy().into_owned(),
            time: time.seconds,
            offset: time.offset,
            subject: subject(c.message),
        };
        let tree = c.tree();
        let content = self.below(tree)?;
        self.content.insert(id, content);
        Ok((content, raw))
    }

    fn content_of_commit(&mut self, id: ObjectId) -> Result<Option<ObjectId>, String> {
        if let Some(t) = self.content.get(&id) {
            return Ok(*t);
        }
        Ok(self.commit(id)?.0)
    }

    /// The content folder's tree inside a commit's root tree.
    fn below(&mut self, root: ObjectId) -> Result<Option<ObjectId>, String> {
        let mut at = root;
        for name in self.prefix.clone() {
            match self.tree(at)?.find(&name) {
                Some((true, id)) => at = id,
                _ => return Ok(None),
            }
        }
        Ok(Some(at))
    }

    /// A file at the top of a commit's root tree.
    fn root_entry(&mut self, commit: ObjectId, name: &str) -> Option<ObjectId> {
        let obj = self.repo.find_object(commit).ok()?;
        let tree = gix::objs::CommitRef::from_bytes(&obj.data, self.repo.object_hash())
            .ok()?
            .tree();
        match self.tree(tree).ok()?.find(name) {
            Some((false, id)) => Some(id),
            _ => None,
        }
    }

    /// Every file below `tree`, with its path.
    fn files(
        &mut self,
        tree: ObjectId,
        dir: &str,
        f: &mut dyn FnMut(&str, ObjectId),
    ) -> Result<(), String> {
        let t = self.tree(tree)?;
        for i in 0..t.entries.len() {
            let (mode, name, id) = t.entry(i);
            let path = join(dir, name);
            if is_tree(mode) {
                self.files(id, &path, f)?;
            } else if is_file(mode) {
                f(&path, id);
            }
        }
        Ok(())
    }

    /// The files that differ between two versions of the content folder.
    fn diff(
        &mut self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
    ) -> Result<Vec<FileChange>, String> {
        let mut out = Vec::new();
        self.diff_into(old, new, "", &mut out)?;
        Ok(out)
    }

    fn diff_into(
        &mut self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
        dir: &str,
        out: &mut Vec<FileChange>,
    ) -> Result<(), String> {
        match (old, new) {
            (None, None) => Ok(()),
            (Some(o), Some(n)) if o == n => Ok(()),
            (None, Some(n)) => {
                self.files(n, dir, &mut |p, id| out.push((p.into(), None, Some(id))))
            }
            (Some(o), None) => {
                self.files(o, dir, &mut |p, id| out.push((p.into(), Some(id), None)))
            }
            (Some(o), Some(n)) => {
                let (a, b) = self.pair_of(o, n)?;
                let (mut i, mut j) = skip_same(&a, &b);
                let (end_a, end_b) = skip_same_end(&a, &b, i, j);
                while i < end_a || j < end_b {
                    let ea = (i < end_a).then(|| a.entry(i));
                    let eb = (j < end_b).then(|| b.entry(j));
                    let order = match (&ea, &eb) {
                        (Some(x), Some(y)) => entry_order(x, y),
                        (Some(_), None) => std::cmp::Ordering::Less,
                        _ => std::cmp::Ordering::Greater,
                    };
                    let (left, right) = match order {
                        std::cmp::Ordering::Less => (ea, None),
                        std::cmp::Ordering::Greater => (None, eb),
                        std::cmp::Ordering::Equal => (ea, eb),
                    };
                    if left.is_some() {
                        i += 1;
                    }
                    if right.is_some() {
                        j += 1;
                    }
                    self.pair(left, right, dir, out)?;
                }
                Ok(())
            }
        }
    }

    /// One name on either side (or both): a folder is compared inside, a file reported.
    fn pair(
        &mut self,
        left: Option<(&[u8], &[u8], ObjectId)>,
        right: Option<(&[u8], &[u8], ObjectId)>,
        dir: &str,
        out: &mut Vec<FileChange>,
    ) -> Result<(), String> {
        let name = left.or(right).map(|e| e.1).unwrap_or_default();
        let path = join(dir, name);
        let side = |e: Option<(&[u8], &[u8], ObjectId)>, tree: bool| {
            e.filter(|(m, _, _)| if tree { is_tree(m) } else { is_file(m) })
                .map(|(_, _, id)| id)
        };
        let (old_tree, new_tree) = (side(left, true), side(right, true));
        let (old_file, new_file) = (side(left, false), side(right, false));
        self.diff_into(old_tree, new_tree, &path, out)?;
        if old_file != new_file {
            out.push((path, old_file, new_file));
        }
        Ok(())
    }
}

fn join(dir: &str, name: &[u8]) -> String {
    let name = name.to_str_lossy();
    if dir.is_empty() {
        name.into_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// The first line of a message, cut to 200 characters.
fn subject(message: &gix::bstr::BStr) -> String {
    let text = message.to_str_lossy();
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    line.chars().take(200).collect()
}
