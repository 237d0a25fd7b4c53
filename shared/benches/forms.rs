//! Planning every committed form snapshot (tests/forms/snapshots: real Greenhouse, Lever,
//! Ashby and Workday pages and the vendor fixtures) with the test profile, one benchmark per
//! form. `cargo bench -p shared --bench forms`; tests/bench/plan-wasm.mjs times the same plans
//! in the extension's WASM build.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;
    use std::path::Path;

    use criterion::Criterion;
    use shared::forms::{FormSnapshot, Profile, plan};

    const FORMS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/forms");

    fn read<T: serde::de::DeserializeOwned>(path: &Path) -> T {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Every snapshot by file name, in name order.
    fn snapshots() -> Vec<(String, FormSnapshot)> {
        let dir = Path::new(FORMS).join("snapshots");
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
        let mut snapshots: Vec<(String, FormSnapshot)> = entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .map(|path| {
                let name = path.file_stem().unwrap_or_default().to_string_lossy();
                (name.into_owned(), read(&path))
            })
            .collect();
        snapshots.sort_by(|a, b| a.0.cmp(&b.0));
        snapshots
    }

    pub fn benches() {
        let mut criterion = Criterion::default().configure_from_args();
        let profile: Profile = read(&Path::new(FORMS).join("profile.json"));
        let mut group = criterion.benchmark_group("plan");
        for (name, snapshot) in snapshots() {
            let id = format!("{name} ({} fields)", snapshot.fields.len());
            group.bench_function(id, |b| {
                b.iter(|| plan(black_box(&snapshot), black_box(&profile)))
            });
        }
        group.finish();
        criterion.final_summary();
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    native::benches();
}
