//! Sealing and opening a 50-cookie jar (native only; criterion does not target wasm32).
//! `cargo bench -p shared --bench seal`

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;

    use criterion::Criterion;
    use shared::cookies::{Cookie, CookieJar, CookieValue, Platform, SameSite};
    use shared::vault::{self, VaultSecretKey};

    const USER: &str = "42";

    /// 50 cookies shaped like a LinkedIn session: long opaque values, real-looking names.
    fn jar() -> CookieJar {
        let cookies = (0..50)
            .map(|i| Cookie {
                name: format!("cookie_{i:02}"),
                value: CookieValue::new(format!("AQEDA{}", "x7Q".repeat(60 + i))),
                domain: "linkedin.com".into(),
                path: "/".into(),
                expires: Some(1_800_000_000 + i64::try_from(i).unwrap_or_default()),
                secure: true,
                http_only: i % 2 == 0,
                same_site: Some(SameSite::None),
                host_only: false,
            })
            .collect();
        CookieJar::new(cookies)
    }

    pub fn benches() {
        let mut criterion = Criterion::default().configure_from_args();
        let key = VaultSecretKey::derive(&[0x42; 32]);
        let platform = Platform::lookup("linkedin").unwrap_or_else(|e| panic!("{e}"));
        let jar = jar();
        let envelope = vault::seal_jar(key.public_key(), USER, &platform, &jar)
            .unwrap_or_else(|e| panic!("{e}"));
        println!(
            "50-cookie jar: {} bytes of JSON, {} bytes sealed",
            jar.to_json_zeroizing().map(|j| j.len()).unwrap_or_default(),
            envelope.len()
        );
        criterion.bench_function("seal_jar 50 cookies", |b| {
            b.iter(|| vault::seal_jar(key.public_key(), USER, &platform, black_box(&jar)))
        });
        criterion.bench_function("open_jar 50 cookies", |b| {
            b.iter(|| vault::open_jar(&key, USER, &platform, black_box(&envelope)))
        });
        criterion.bench_function("inspect", |b| {
            b.iter(|| vault::inspect(black_box(&envelope)))
        });
        criterion.final_summary();
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    native::benches();
}
