use std::time::Instant;
fn main() {
    let root = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let mut opts = cairn::BuildOptions::new(&root, "2026-11-23".parse().unwrap());
    opts.output = Some("/dev/shm/t_serve".into());
    opts.checks = false;
    graph_time(&root);
    let mut s = cairn::session::Session::new(opts);
    let t = Instant::now();
    s.build().unwrap();
    println!("build {:?}", t.elapsed());
    let p = root.join("content/patterns/p-00002.md");
    let orig = std::fs::read_to_string(&p).unwrap();
    for i in 0..8 {
        std::fs::write(&p, format!("{orig}\nedit {i}\n")).unwrap();
        let t = Instant::now();
        let r = s.rebuild(std::slice::from_ref(&p)).unwrap();
        println!("rebuild {:?} rendered {}", t.elapsed(), r.rendered);
    }
    std::fs::write(&p, orig).unwrap();
}
#[allow(dead_code)]
fn graph_time(root: &std::path::Path) {
    let opts = cairn::BuildOptions::new(root, "2026-11-23".parse().unwrap());
    let a = cairn::build::analyse(&opts).unwrap();
    for _ in 0..3 {
        let t = Instant::now();
        let g = cairn::graph::Graph::new(&a.site, &a.config);
        println!("graph {:?} {}", t.elapsed(), g.nodes.len());
    }
}
