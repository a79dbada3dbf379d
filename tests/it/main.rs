//! Integration tests: build fixture sites in temporary folders and check the output tree, the
//! exact diagnostics, exit codes and the guarantees of the write stage.

mod adopt;
mod cli;
mod drafts;
mod escaping;
mod faults;
mod fences;
mod git_history;
mod hostile;
mod hostile_checks;
mod hostile_serve;
mod incremental;
mod navigation;
mod outputs;
mod progress;
mod props;
mod reader;
mod scaffold;
mod search;
mod serve;
mod serve_limits;
mod site;
mod status;
mod support;
mod where_docs;
